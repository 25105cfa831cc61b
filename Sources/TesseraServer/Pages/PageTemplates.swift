import Foundation
import Mustache

/// The mustache templates of the pages and the static files they load, read once from the
/// module's resources (`Pages/Templates`, `Pages/Static`). A page renders its own
/// template, then ``HTMLPage`` puts the result into `layout`. Mustache escapes every
/// `{{value}}`; only `{{{content}}}` in the layout is raw, and it holds rendered HTML.
///
/// ```swift
/// let html = PageTemplates.render("login", ["t": PageStrings.table(.english), "csrf": token.value])
/// ```
enum PageTemplates {
    static let library: MustacheLibrary = {
        var templates: [String: MustacheTemplate] = [:]
        for name in ["layout", "login", "register", "account", "admin"] {
            // The templates ship inside the binary's bundle; a missing or broken one is a
            // packaging fault that no request could recover from.
            guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates"),
                  let text = try? String(contentsOf: url, encoding: .utf8), let template = try? MustacheTemplate(string: text)
            else { fatalError("page template \(name) is missing or does not parse") }
            templates[name] = template
        }
        return MustacheLibrary(templates: templates)
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }

    /// A static file's bytes, by name, from `Pages/Static`.
    static func staticFile(_ name: String) -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Static"),
              let data = try? Data(contentsOf: url)
        else { return nil }
        return Array(data)
    }
}
