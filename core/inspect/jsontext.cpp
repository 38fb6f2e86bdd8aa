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

void appendScalar(QString &out, const Value &v, BytesStyle bytes)
{
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
    case Value::Kind::String: wamp::appendJsonString(out, v.toString()); break;
    case Value::Kind::Bytes:
        if (bytes == BytesStyle::Hex)
            out += QLatin1String("\"0x") + QString::fromLatin1(v.toBytes().toHex()) + QLatin1Char('"');
        else
            wamp::appendJsonString(out, QString(QChar(0) + QString::fromLatin1(v.toBytes().toBase64())));
        break;
    case Value::Kind::List:
    case Value::Kind::Dict: break;
    }
}

/// The one-line form with ", " and ": " separators; false (and \a out unusable) once it is longer than \a budget.
bool appendInline(QString &out, const Value &v, BytesStyle bytes, qsizetype budget)
{
    if (const wamp::List *l = v.listPtr()) {
        out += QLatin1Char('[');
        for (qsizetype i = 0; i < l->size(); ++i) {
            if (i)
                out += QLatin1String(", ");
            if (!appendInline(out, l->at(i), bytes, budget))
                return false;
        }
        out += QLatin1Char(']');
    } else if (const wamp::Dict *d = v.dictPtr()) {
        out += QLatin1Char('{');
        bool first = true;
        for (auto it = d->cbegin(); it != d->cend(); ++it) {
            if (!first)
                out += QLatin1String(", ");
            first = false;
            wamp::appendJsonString(out, it.key());
            out += QLatin1String(": ");
            if (!appendInline(out, it.value(), bytes, budget))
                return false;
        }
        out += QLatin1Char('}');
    } else {
        appendScalar(out, v, bytes);
    }
    return out.size() <= budget;
}

void append(QString &out, const Value &v, const JsonTextOptions &o, int level)
{
    const wamp::List *list = v.listPtr();
    const wamp::Dict *dict = v.dictPtr();
    if (!list && !dict) {
        appendScalar(out, v, o.bytes);
        return;
    }
    if (o.indent > 0 && o.inlineWidth > 0) {
        QString line;
        if (appendInline(line, v, o.bytes, o.inlineWidth)) {
            out += line;
            return;
        }
    }
    const auto newline = [&](int lvl) {
        if (o.indent > 0) {
            out += QLatin1Char('\n');
            out += QString(lvl * o.indent, QLatin1Char(' '));
        }
    };
    if (list) {
        if (list->isEmpty()) {
            out += QLatin1String("[]");
            return;
        }
        out += QLatin1Char('[');
        for (qsizetype i = 0; i < list->size(); ++i) {
            if (i)
                out += QLatin1Char(',');
            newline(level + 1);
            append(out, list->at(i), o, level + 1);
        }
        newline(level);
        out += QLatin1Char(']');
        return;
    }
    if (dict->isEmpty()) {
        out += QLatin1String("{}");
        return;
    }
    out += QLatin1Char('{');
    bool first = true;
    for (auto it = dict->cbegin(); it != dict->cend(); ++it) {
        if (!first)
            out += QLatin1Char(',');
        first = false;
        newline(level + 1);
        wamp::appendJsonString(out, it.key());
        out += o.indent > 0 ? QLatin1String(": ") : QLatin1String(":");
        append(out, it.value(), o, level + 1);
    }
    newline(level);
    out += QLatin1Char('}');
}

} // namespace

QString toJsonText(const Value &value, const JsonTextOptions &options)
{
    QString out;
    append(out, value, options, 0);
    return out;
}

QString toPrettyJson(const Value &value, BytesStyle bytes, int indent)
{
    return toJsonText(value, JsonTextOptions{indent, 0, bytes});
}

QString toCompactJson(const Value &value, BytesStyle bytes)
{
    return toJsonText(value, JsonTextOptions{0, 0, bytes});
}

} // namespace wb::inspect
