// SPDX-License-Identifier: GPL-3.0-or-later
#include "mock/template.h"

#include "inspect/fieldpath.h"
#include "inspect/jsontext.h"

namespace wb::mock {

using wamp::Value;

namespace {
QString escapeInString(const QString &s)
{
    // toCompactJson of a string gives "...", escaped: drop the quotes.
    const QString q = inspect::toCompactJson(Value(s));
    return q.mid(1, q.size() - 2);
}
} // namespace

Result<QString> renderTemplateText(const QString &tmpl, const Value &root)
{
    QString out;
    out.reserve(tmpl.size());
    bool inString = false;
    qsizetype i = 0;
    while (i < tmpl.size()) {
        const QChar c = tmpl.at(i);
        if (c == QLatin1Char('{') && i + 1 < tmpl.size() && tmpl.at(i + 1) == QLatin1Char('{')) {
            const qsizetype end = tmpl.indexOf(QLatin1String("}}"), i + 2);
            if (end < 0)
                return Result<QString>::failure(QStringLiteral("template.syntax"),
                                                QStringLiteral("unterminated {{ at character %1").arg(i + 1));
            const QString pathText = tmpl.mid(i + 2, end - i - 2).trimmed();
            const Result<inspect::FieldPath> path = inspect::FieldPath::parse(pathText);
            if (!path.ok())
                return Result<QString>::failure(QStringLiteral("template.path"), path.errorString());
            const Result<Value> v = path->extract(root);
            if (!v.ok())
                return Result<QString>::failure(QStringLiteral("template.missing"),
                                                QStringLiteral("{{%1}}: %2").arg(pathText, v.errorString()));
            const qsizetype after = end + 2;
            if (inString) {
                const bool whole = out.endsWith(QLatin1Char('"')) && after < tmpl.size() && tmpl.at(after) == QLatin1Char('"')
                                   && (out.size() < 2 || out.at(out.size() - 2) != QLatin1Char('\\'));
                if (whole) {
                    out.chop(1);
                    out += inspect::toCompactJson(*v);
                    i = after + 1;
                    inString = false;
                    continue;
                }
                out += escapeInString(v->isString() ? v->toString() : inspect::toCompactJson(*v, inspect::BytesStyle::Hex));
            } else {
                out += inspect::toCompactJson(*v);
            }
            i = after;
            continue;
        }
        if (inString && c == QLatin1Char('\\') && i + 1 < tmpl.size()) {
            out += c;
            out += tmpl.at(i + 1);
            i += 2;
            continue;
        }
        if (c == QLatin1Char('"'))
            inString = !inString;
        out += c;
        ++i;
    }
    return out;
}

Result<Value> renderTemplate(const QString &tmpl, const wamp::List &args, const wamp::Dict &kwargs, const wamp::Dict &details)
{
    wamp::Dict root;
    root.insert(QStringLiteral("args"), Value(args));
    root.insert(QStringLiteral("kwargs"), Value(kwargs));
    root.insert(QStringLiteral("details"), Value(details));
    const Result<QString> text = renderTemplateText(tmpl, Value(root));
    if (!text.ok())
        return text.error();
    const inspect::JsonParse p = inspect::parseJsonText(*text);
    if (!p.ok)
        return Result<Value>::failure(QStringLiteral("template.json"),
                                      QStringLiteral("rendered template is not JSON: %1").arg(p.error.toString()));
    return p.value;
}

} // namespace wb::mock
