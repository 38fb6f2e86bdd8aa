// SPDX-License-Identifier: GPL-3.0-or-later
#include "value.h"

#include <cmath>
#include <limits>

namespace wb::wamp {

Value::Value(quint64 u)
{
    if (u <= quint64(std::numeric_limits<qint64>::max()))
        m_v = qint64(u);
    else
        m_v = u;
}

Value Value::bytes(QByteArray b)
{
    Value v;
    v.m_v = std::move(b);
    return v;
}

QString Value::kindName(Kind k)
{
    switch (k) {
    case Kind::Null: return QStringLiteral("null");
    case Kind::Bool: return QStringLiteral("bool");
    case Kind::Int: return QStringLiteral("integer");
    case Kind::UInt: return QStringLiteral("unsigned integer");
    case Kind::Double: return QStringLiteral("double");
    case Kind::String: return QStringLiteral("string");
    case Kind::Bytes: return QStringLiteral("bytes");
    case Kind::List: return QStringLiteral("list");
    case Kind::Dict: return QStringLiteral("dict");
    }
    return QStringLiteral("?");
}

std::optional<qint64> Value::toInt64() const
{
    if (auto p = std::get_if<qint64>(&m_v))
        return *p;
    return std::nullopt;
}

std::optional<quint64> Value::toUInt64() const
{
    if (auto p = std::get_if<qint64>(&m_v))
        return *p >= 0 ? std::optional<quint64>(quint64(*p)) : std::nullopt;
    if (auto p = std::get_if<quint64>(&m_v))
        return *p;
    return std::nullopt;
}

double Value::toDouble(double def) const
{
    if (auto p = std::get_if<qint64>(&m_v))
        return double(*p);
    if (auto p = std::get_if<quint64>(&m_v))
        return double(*p);
    if (auto p = std::get_if<double>(&m_v))
        return *p;
    return def;
}

Value Value::operator[](const QString &key) const
{
    return value(key);
}

Value Value::value(const QString &key, const Value &def) const
{
    if (auto d = dictPtr()) {
        auto it = d->constFind(key);
        if (it != d->constEnd())
            return *it;
    }
    return def;
}

bool Value::contains(const QString &key) const
{
    auto d = dictPtr();
    return d && d->contains(key);
}

void appendJsonString(QString &out, QStringView s)
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

static void appendDebug(QString &out, const Value &v)
{
    switch (v.kind()) {
    case Value::Kind::Null: out += QLatin1String("null"); break;
    case Value::Kind::Bool: out += v.toBool() ? QLatin1String("true") : QLatin1String("false"); break;
    case Value::Kind::Int: out += QString::number(*v.toInt64()); break;
    case Value::Kind::UInt: out += QString::number(*v.toUInt64()); break;
    case Value::Kind::Double: {
        const double d = v.toDouble();
        if (std::isfinite(d)) {
            QString s = QString::number(d, 'g', 17);
            if (!s.contains(QLatin1Char('.')) && !s.contains(QLatin1Char('e')))
                s += QLatin1String(".0");
            out += s;
        } else {
            out += std::isnan(d) ? QLatin1String("NaN") : (d > 0 ? QLatin1String("Infinity") : QLatin1String("-Infinity"));
        }
        break;
    }
    case Value::Kind::String: appendJsonString(out, v.toString()); break;
    case Value::Kind::Bytes:
        appendJsonString(out, QString(QChar(0) + QString::fromLatin1(v.toBytes().toBase64()))); // WAMP JSON notation
        break;
    case Value::Kind::List: {
        out += QLatin1Char('[');
        bool first = true;
        for (const Value &e : *v.listPtr()) {
            if (!first)
                out += QLatin1Char(',');
            first = false;
            appendDebug(out, e);
        }
        out += QLatin1Char(']');
        break;
    }
    case Value::Kind::Dict: {
        out += QLatin1Char('{');
        bool first = true;
        const Dict &d = *v.dictPtr();
        for (auto it = d.cbegin(); it != d.cend(); ++it) {
            if (!first)
                out += QLatin1Char(',');
            first = false;
            appendJsonString(out, it.key());
            out += QLatin1Char(':');
            appendDebug(out, it.value());
        }
        out += QLatin1Char('}');
        break;
    }
    }
}

QString Value::toDebugString() const
{
    QString out;
    appendDebug(out, *this);
    return out;
}

} // namespace wb::wamp
