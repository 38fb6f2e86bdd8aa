// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/jsontext.h"

#include "codec/serializer.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace wb::inspect {

using wamp::Value;

QString JsonTextError::toString() const
{
    return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
}

void offsetToLineColumn(const QByteArray &utf8, qint64 offset, int *line, int *column)
{
    offset = qBound<qint64>(0, offset, utf8.size());
    int l = 1;
    qint64 lineStart = 0;
    for (qint64 i = 0; i < offset; ++i) {
        if (utf8.at(i) == '\n') {
            ++l;
            lineStart = i + 1;
        }
    }
    *line = l;
    *column = int(QString::fromUtf8(utf8.constData() + lineStart, offset - lineStart).size()) + 1;
}

JsonParse parseJsonText(const QString &text)
{
    JsonParse r;
    const QByteArray utf8 = text.toUtf8();
    if (text.trimmed().isEmpty()) {
        r.error = {1, 1, QStringLiteral("empty")};
        return r;
    }
    const Result<Value> v = codec::serializer(codec::SerializerId::Json)->decode(utf8);
    if (v.ok()) {
        r.ok = true;
        r.value = *v;
        return r;
    }
    // Every decode error of the JSON serializer names the byte offset ("... at offset N").
    static const QRegularExpression re(QStringLiteral("at offset (\\d+)"));
    const QRegularExpressionMatch m = re.match(v.error().message);
    const qint64 offset = m.hasMatch() ? m.captured(1).toLongLong() : 0;
    offsetToLineColumn(utf8, offset, &r.error.line, &r.error.column);
    QString msg = v.error().message;
    if (msg.startsWith(QLatin1String("JSON: ")))
        msg = msg.mid(6);
    msg.remove(QRegularExpression(QStringLiteral(" at offset \\d+")));
    r.error.message = msg;
    return r;
}

namespace {

void appendString(QString &out, const QString &s)
{
    out += QLatin1Char('"');
    for (const QChar c : s) {
        switch (c.unicode()) {
        case '"': out += QLatin1String("\\\""); break;
        case '\\': out += QLatin1String("\\\\"); break;
        case '\n': out += QLatin1String("\\n"); break;
        case '\r': out += QLatin1String("\\r"); break;
        case '\t': out += QLatin1String("\\t"); break;
        case '\b': out += QLatin1String("\\b"); break;
        case '\f': out += QLatin1String("\\f"); break;
        default:
            if (c.unicode() < 0x20)
                out += QStringLiteral("\\u%1").arg(uint(c.unicode()), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += QLatin1Char('"');
}

void append(QString &out, const Value &v, bool hex, int indent, int level)
{
    const auto newline = [&](int lvl) {
        if (indent > 0) {
            out += QLatin1Char('\n');
            out += QString(lvl * indent, QLatin1Char(' '));
        }
    };
    switch (v.kind()) {
    case Value::Kind::Null: out += QLatin1String("null"); break;
    case Value::Kind::Bool: out += v.toBool() ? QLatin1String("true") : QLatin1String("false"); break;
    case Value::Kind::Int: out += QString::number(*v.toInt64()); break;
    case Value::Kind::UInt: out += QString::number(*v.toUInt64()); break;
    case Value::Kind::Double: {
        const double d = v.toDouble();
        if (!std::isfinite(d)) {
            out += QLatin1String("null");
        } else {
            QString s = QString::number(d, 'g', QLocale::FloatingPointShortest); // shortest round trip
            if (!s.contains(QLatin1Char('.')) && !s.contains(QLatin1Char('e')))
                s += QLatin1String(".0");
            out += s;
        }
        break;
    }
    case Value::Kind::String: appendString(out, v.toString()); break;
    case Value::Kind::Bytes:
        if (hex)
            out += QLatin1String("\"0x") + QString::fromLatin1(v.toBytes().toHex()) + QLatin1Char('"');
        else
            appendString(out, QChar(0) + QString::fromLatin1(v.toBytes().toBase64()));
        break;
    case Value::Kind::List: {
        const wamp::List &l = *v.listPtr();
        if (l.isEmpty()) {
            out += QLatin1String("[]");
            break;
        }
        out += QLatin1Char('[');
        for (qsizetype i = 0; i < l.size(); ++i) {
            if (i)
                out += QLatin1Char(',');
            newline(level + 1);
            append(out, l.at(i), hex, indent, level + 1);
        }
        newline(level);
        out += QLatin1Char(']');
        break;
    }
    case Value::Kind::Dict: {
        const wamp::Dict &d = *v.dictPtr();
        if (d.isEmpty()) {
            out += QLatin1String("{}");
            break;
        }
        out += QLatin1Char('{');
        bool first = true;
        for (auto it = d.cbegin(); it != d.cend(); ++it) {
            if (!first)
                out += QLatin1Char(',');
            first = false;
            newline(level + 1);
            appendString(out, it.key());
            out += indent > 0 ? QLatin1String(": ") : QLatin1String(":");
            append(out, it.value(), hex, indent, level + 1);
        }
        newline(level);
        out += QLatin1Char('}');
        break;
    }
    }
}

} // namespace

QString toPrettyJson(const Value &value, bool bytesAsHex, int indent)
{
    QString out;
    append(out, value, bytesAsHex, indent, 0);
    return out;
}

QString toCompactJson(const Value &value, bool bytesAsHex)
{
    QString out;
    append(out, value, bytesAsHex, 0, 0);
    return out;
}

} // namespace wb::inspect
