// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/fieldpath.h"

namespace wb::inspect {

using wamp::Value;

Result<FieldPath> FieldPath::parse(const QString &text)
{
    FieldPath p;
    p.m_text = text.trimmed();
    const QString &t = p.m_text;
    const auto fail = [&](qsizetype at, const QString &why) {
        return Result<FieldPath>::failure(QStringLiteral("path.syntax"),
                                          QStringLiteral("%1 at character %2 of \"%3\"").arg(why).arg(at + 1).arg(t));
    };
    if (t.isEmpty())
        return Result<FieldPath>::failure(QStringLiteral("path.syntax"), QStringLiteral("empty path"));
    qsizetype i = 0;
    bool expectKey = true; // at start or after '.'
    while (i < t.size()) {
        const QChar c = t.at(i);
        if (c == QLatin1Char('[')) {
            ++i;
            if (i < t.size() && (t.at(i) == QLatin1Char('"') || t.at(i) == QLatin1Char('\''))) {
                const QChar q = t.at(i++);
                const qsizetype end = t.indexOf(q, i);
                if (end < 0)
                    return fail(i, QStringLiteral("unterminated quoted key"));
                p.m_steps.append(Step(t.mid(i, end - i)));
                i = end + 1;
            } else {
                const qsizetype start = i;
                while (i < t.size() && t.at(i).isDigit())
                    ++i;
                if (i == start)
                    return fail(i, QStringLiteral("expected an index"));
                p.m_steps.append(Step(t.mid(start, i - start).toLongLong()));
            }
            if (i >= t.size() || t.at(i) != QLatin1Char(']'))
                return fail(i, QStringLiteral("expected ']'"));
            ++i;
            expectKey = false;
        } else if (c == QLatin1Char('.')) {
            if (expectKey)
                return fail(i, QStringLiteral("unexpected '.'"));
            ++i;
            expectKey = true;
            if (i >= t.size())
                return fail(i, QStringLiteral("expected a key"));
        } else {
            if (!expectKey)
                return fail(i, QStringLiteral("expected '.' or '['"));
            const qsizetype start = i;
            while (i < t.size() && t.at(i) != QLatin1Char('.') && t.at(i) != QLatin1Char('['))
                ++i;
            p.m_steps.append(Step(t.mid(start, i - start)));
            expectKey = false;
        }
    }
    return p;
}

Result<Value> FieldPath::extract(const Value &root) const
{
    Value cur = root;
    QString where;
    for (const Step &s : m_steps) {
        if (const QString *key = std::get_if<QString>(&s)) {
            const wamp::Dict *d = cur.dictPtr();
            if (!d)
                return Result<Value>::failure(QStringLiteral("path.not_found"), QStringLiteral("%1 is not an object").arg(where.isEmpty() ? QStringLiteral("the root") : where));
            auto it = d->constFind(*key);
            if (it == d->cend())
                return Result<Value>::failure(QStringLiteral("path.not_found"), QStringLiteral("no key \"%1\"%2").arg(*key, where.isEmpty() ? QString() : QStringLiteral(" in ") + where));
            where += (where.isEmpty() ? QString() : QStringLiteral(".")) + *key;
            cur = it.value();
        } else {
            const qsizetype idx = std::get<qsizetype>(s);
            const wamp::List *l = cur.listPtr();
            if (!l)
                return Result<Value>::failure(QStringLiteral("path.not_found"), QStringLiteral("%1 is not a list").arg(where.isEmpty() ? QStringLiteral("the root") : where));
            if (idx < 0 || idx >= l->size())
                return Result<Value>::failure(QStringLiteral("path.not_found"), QStringLiteral("index %1 out of range in %2 (size %3)").arg(idx).arg(where).arg(l->size()));
            where += QStringLiteral("[%1]").arg(idx);
            cur = l->at(idx);
        }
    }
    return cur;
}

Value payloadRoot(const wamp::List &args, const wamp::Dict &kwargs)
{
    wamp::Dict d;
    d.insert(QStringLiteral("args"), Value(args));
    d.insert(QStringLiteral("kwargs"), Value(kwargs));
    return Value(d);
}

} // namespace wb::inspect
