// SPDX-License-Identifier: GPL-3.0-or-later
#include "prettyjson.h"

#include "codec/serializer.h"

namespace wb::capture {

namespace {

constexpr int kInlineWidth = 60; ///< containers whose one-line form fits stay on one line

/// One-line form, or empty when longer than \a budget characters.
QString inlineForm(const wamp::Value &v, int budget)
{
    QString out;
    switch (v.kind()) {
    case wamp::Value::Kind::List: {
        out += QLatin1Char('[');
        const wamp::List &l = *v.listPtr();
        for (qsizetype i = 0; i < l.size(); ++i) {
            if (i)
                out += QStringLiteral(", ");
            const QString part = inlineForm(l.at(i), budget - int(out.size()));
            if (part.isEmpty())
                return {};
            out += part;
            if (out.size() > budget)
                return {};
        }
        out += QLatin1Char(']');
        break;
    }
    case wamp::Value::Kind::Dict: {
        out += QLatin1Char('{');
        const wamp::Dict &d = *v.dictPtr();
        bool first = true;
        for (auto it = d.cbegin(); it != d.cend(); ++it) {
            if (!first)
                out += QStringLiteral(", ");
            first = false;
            out += QString::fromUtf8(codec::serializer(codec::SerializerId::Json)->encode(wamp::Value(it.key()))) + QStringLiteral(": ");
            const QString part = inlineForm(it.value(), budget - int(out.size()));
            if (part.isEmpty())
                return {};
            out += part;
            if (out.size() > budget)
                return {};
        }
        out += QLatin1Char('}');
        break;
    }
    case wamp::Value::Kind::Bytes:
        out = QStringLiteral("{\"$bytes\": \"%1\"}").arg(QString::fromLatin1(v.toBytes().toHex()));
        break;
    default:
        out = QString::fromUtf8(codec::serializer(codec::SerializerId::Json)->encode(v));
        break;
    }
    return out.size() > budget ? QString() : out;
}

void write(QString &out, const wamp::Value &v, int indent, int depth)
{
    if (v.isList() || v.isDict()) {
        const QString line = inlineForm(v, kInlineWidth);
        if (!line.isEmpty()) {
            out += line;
            return;
        }
    }
    const QString pad(indent * (depth + 1), QLatin1Char(' '));
    const QString padEnd(indent * depth, QLatin1Char(' '));
    switch (v.kind()) {
    case wamp::Value::Kind::List: {
        const wamp::List &l = *v.listPtr();
        if (l.isEmpty()) {
            out += QStringLiteral("[]");
            return;
        }
        out += QStringLiteral("[\n");
        for (qsizetype i = 0; i < l.size(); ++i) {
            out += pad;
            write(out, l.at(i), indent, depth + 1);
            out += i + 1 < l.size() ? QStringLiteral(",\n") : QStringLiteral("\n");
        }
        out += padEnd + QLatin1Char(']');
        return;
    }
    case wamp::Value::Kind::Dict: {
        const wamp::Dict &d = *v.dictPtr();
        if (d.isEmpty()) {
            out += QStringLiteral("{}");
            return;
        }
        out += QStringLiteral("{\n");
        qsizetype i = 0;
        for (auto it = d.cbegin(); it != d.cend(); ++it, ++i) {
            out += pad;
            write(out, wamp::Value(it.key()), indent, depth + 1);
            out += QStringLiteral(": ");
            write(out, it.value(), indent, depth + 1);
            out += i + 1 < d.size() ? QStringLiteral(",\n") : QStringLiteral("\n");
        }
        out += padEnd + QLatin1Char('}');
        return;
    }
    case wamp::Value::Kind::Bytes: {
        wamp::Dict d;
        d.insert(QStringLiteral("$bytes"), QString::fromLatin1(v.toBytes().toHex()));
        write(out, wamp::Value(d), indent, depth);
        return;
    }
    default:
        out += QString::fromUtf8(codec::serializer(codec::SerializerId::Json)->encode(v));
        return;
    }
}

} // namespace

QString prettyJson(const wamp::Value &value, int indent)
{
    QString out;
    write(out, value, indent, 0);
    return out;
}

QString hexDump(const QByteArray &bytes, qsizetype maxBytes)
{
    QString out;
    const qsizetype n = qMin(bytes.size(), maxBytes);
    for (qsizetype off = 0; off < n; off += 16) {
        out += QStringLiteral("%1  ").arg(off, 6, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = off; i < off + 16; ++i) {
            if (i < n) {
                const auto c = quint8(bytes.at(i));
                out += QStringLiteral("%1 ").arg(c, 2, 16, QLatin1Char('0'));
                ascii += (c >= 0x20 && c < 0x7f) ? QChar(QLatin1Char(char(c))) : QChar(QLatin1Char('.'));
            } else {
                out += QStringLiteral("   ");
            }
        }
        out += QLatin1Char(' ') + ascii + QLatin1Char('\n');
    }
    if (bytes.size() > n)
        out += QStringLiteral("… (%1 more bytes)\n").arg(bytes.size() - n);
    return out;
}

} // namespace wb::capture
