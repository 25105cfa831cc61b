-- Shared by the session scripts that name it in a "-- include: value_pieces" line; the
-- loader puts this text before theirs. It is not a script of its own.
--
-- The device name and the user agent of a session are kept in pieces of at most 64 bytes,
-- "dn", "dn1", "dn2", … and "ua", "ua1", …, so that the session hash stays a listpack
-- (Redis turns a hash with a value longer than hash-max-listpack-value, 64 by default, into
-- a hash table several times its size). A session written before pieces existed has the
-- whole value in "dn" or "ua" and no further pieces, and reads the same.

-- Appends field, value to `fields`, the value cut into pieces.
local function pieces(fields, field, value)
  for i = 0, math.max(math.ceil(#value / 64), 1) - 1 do
    table.insert(fields, i == 0 and field or field .. i)
    table.insert(fields, string.sub(value, i * 64 + 1, (i + 1) * 64))
  end
end

-- The value of `field` in the hash `key`, from the first `count` pieces already read with
-- the rest of the session (`read`, in order, false where missing) and the further ones,
-- read only when the last of those is there.
local function joined(key, field, read, count)
  if not read[1] then return read[1] end
  local parts = {}
  for i = 1, count do
    if not read[i] then return table.concat(parts) end
    parts[i] = read[i]
  end
  local n = count
  local piece = redis.call('HGET', key, field .. n)
  while piece do
    parts[#parts + 1] = piece
    n = n + 1
    piece = redis.call('HGET', key, field .. n)
  end
  return table.concat(parts)
end
