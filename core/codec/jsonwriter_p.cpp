// SPDX-License-Identifier: GPL-3.0-or-later
// JsonSerializer::encode(): the JSON writer (shortest round-trip doubles, bytes as "\u0000" + base64).
#include "codec/jsonserializer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace wb::codec {

using wamp::Dict;
using wamp::List;
using wamp::Value;

namespace {

void writeString(QByteArray &out, const char *s, qsizetype n)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.append('"');
    qsizetype run = 0; // start of the pending unescaped run
    for (qsizetype i = 0; i < n; ++i) {
        const uchar c = uchar(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; // non-ASCII stays UTF-8
        out.append(s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out.append("\\\"", 2); break;
        case '\\': out.append("\\\\", 2); break;
        case '\b': out.append("\\b", 2); break;
        case '\f': out.append("\\f", 2); break;
        case '\n': out.append("\\n", 2); break;
        case '\r': out.append("\\r", 2); break;
        case '\t': out.append("\\t", 2); break;
        default: {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            out.append(esc, 6);
        }
        }
    }
    out.append(s + run, n - run);
    out.append('"');
}

void writeString(QByteArray &out, const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    writeString(out, utf8.constData(), utf8.size());
}

void writeDouble(QByteArray &out, double d)
{
    if (!std::isfinite(d)) {
        out.append("null", 4); // JSON has no NaN/Infinity
        return;
    }
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, d); // shortest round-trip form
    out.append(buf, res.ptr - buf);
    // Keep a marker so the value decodes as a double again: 1.0 -> "1.0", not "1".
    if (std::none_of(buf, res.ptr, [](char c) { return c == '.' || c == 'e'; }))
        out.append(".0", 2);
}

template<typename Int>
void writeInteger(QByteArray &out, Int i)
{
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, res.ptr - buf);
}

void writeValue(QByteArray &out, const Value &v)
{
    switch (v.kind()) {
    case Value::Kind::Null: out.append("null", 4); break;
    case Value::Kind::Bool: v.toBool() ? out.append("true", 4) : out.append("false", 5); break;
    case Value::Kind::Int: writeInteger(out, *v.toInt64()); break;
    case Value::Kind::UInt: writeInteger(out, *v.toUInt64()); break;
    case Value::Kind::Double: writeDouble(out, v.toDouble()); break;
    case Value::Kind::String: writeString(out, *v.stringPtr()); break;
    case Value::Kind::Bytes:
        out.append("\"\\u0000", 7);
        out.append(v.toBytes().toBase64());
        out.append('"');
        break;
    case Value::Kind::List: {
        out.append('[');
        bool first = true;
        for (const Value &e : *v.listPtr()) {
            if (!first)
                out.append(',');
            first = false;
            writeValue(out, e);
        }
        out.append(']');
        break;
    }
    case Value::Kind::Dict: {
        out.append('{');
        bool first = true;
        const Dict &d = *v.dictPtr();
        for (auto it = d.cbegin(); it != d.cend(); ++it) {
            if (!first)
                out.append(',');
            first = false;
            writeString(out, it.key()); // keys are always plain strings, never the bytes convention
            out.append(':');
            writeValue(out, it.value());
        }
        out.append('}');
        break;
    }
    }
}

} // namespace

QByteArray JsonSerializer::encode(const Value &value) const
{
    QByteArray out;
    out.reserve(128);
    writeValue(out, value);
    return out;
}

} // namespace wb::codec
