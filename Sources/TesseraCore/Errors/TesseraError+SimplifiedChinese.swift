/// The messages of ``TesseraError`` in Simplified Chinese, for callers whose
/// `Accept-Language` (or chosen page language) asks for it. Codes stay the same: only the
/// text for people changes. Messages that carry a detail written elsewhere in English
/// (which field is invalid, why a password is weak) get a Chinese summary here; the
/// `field` of the error still names the field.
///
/// ```swift
/// TesseraError.badCredentials.simplifiedChineseMessage   // "账号或密码错误。"
/// ```
extension TesseraError {
    public var simplifiedChineseMessage: String {
        switch self {
        case .invalidInput(let field, _): return field.map { "输入无效：\($0)。" } ?? "请求无效。"
        case .weakPassword: return "密码太弱：至少 8 个字符，且不能是常见密码或与账号相同。"
        case .usernameTaken: return "该用户名已被占用。"
        case .badCredentials: return "账号或密码错误。"
        case .accountDisabled: return "此账户已被停用。"
        case .sessionLimit: return "此账户已登录的设备数已达上限，请先在其他设备上退出。"
        case .sessionDataTooLarge: return "会话数据超出限制。"
        case .tooManyAttempts(let wait): return "登录失败次数过多，请在\(Self.describeInChinese(wait))后重试。"
        case .rateLimited(let wait): return "请求过于频繁，请在\(Self.describeInChinese(wait))后重试。"
        case .refused(let reason): return reason.simplifiedChineseMessage
        case .forbidden: return "您没有执行此操作的权限。"
        case .notFound: return "未找到。"
        case .storeUnavailable: return "服务暂时不可用，请稍后重试。"
        case .codeInvalid: return "验证码错误或已失效，请重新获取。"
        case .emailNotVerified: return "请先验证邮箱再登录。"
        case .deliveryFailed: return "消息发送失败，请稍后重试。"
        }
    }

    private static func describeInChinese(_ wait: Duration) -> String {
        let seconds = retryAfterSeconds(wait)
        return seconds < 120 ? " \(seconds) 秒" : " \((seconds + 59) / 60) 分钟"
    }
}

extension RefusalReason {
    public var simplifiedChineseMessage: String {
        switch self {
        case .notLoggedIn: return "您尚未登录。"
        case .invalidToken: return "会话令牌无效。"
        case .sessionExpired: return "会话已过期，请重新登录。"
        case .loggedOut: return "此会话已退出登录。"
        case .kickedOut: return "您已在另一台设备上或被管理员退出登录。"
        case .replaced: return "您在另一台设备上登录了，此会话已结束。"
        case .accountDisabled: return "此账户已被停用。"
        }
    }
}
