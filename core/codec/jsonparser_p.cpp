// SPDX-License-Identifier: GPL-3.0-or-later
// Hand-written instead of QJsonDocument: QJsonValue has a single double number type (uint64 above
// INT64_MAX is lost, 1 and 1.0 collapse) and no bytes. This parser keeps integers exact, keeps
// doubles doubles, and applies the WAMP "\u0000" + base64 binary convention (wamp-notes 7).
#include "codec/jsonparser_p.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace wb::codec {

using wamp::Dict;
using wamp::List;
using wamp::Value;

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        const char b[2] = {char(0xc0 | (cp >> 6)), char(0x80 | (cp & 0x3f))};
        out.append(b, 2);
    } else if (cp < 0x10000) {
        const char b[3] = {char(0xe0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3f)), char(0x80 | (cp & 0x3f))};
        out.append(b, 3);
    } else {
        const char b[4] = {char(0xf0 | (cp >> 18)), char(0x80 | ((cp >> 12) & 0x3f)), char(0x80 | ((cp >> 6) & 0x3f)),
                           char(0x80 | (cp & 0x3f))};
        out.append(b, 4);
    }
}

/// from_chars reported result_out_of_range: decide between overflow (+-inf) and underflow (+-0) from
/// the decimal exponent of the first significant digit. The token is already known to be valid JSON.
double outOfRangeValue(const char *s, const char *e)
{
    const bool negative = *s == '-';
    if (negative)
        ++s;
    long long intDigits = 0, firstNonZero = -1, digitIndex = 0;
    long long exponent = 0;
    bool inFraction = false;
    for (const char *p = s; p < e; ++p) {
        if (*p == '.') {
            inFraction = true;
        } else if (*p == 'e' || *p == 'E') {
            const bool expNegative = p + 1 < e && p[1] == '-';
            for (const char *q = p + 1; q < e; ++q) {
                if (isDigit(*q) && exponent < 1'000'000'000)
                    exponent = exponent * 10 + (*q - '0');
            }
            if (expNegative)
                exponent = -exponent;
            break;
        } else {
            if (!inFraction)
                ++intDigits;
            if (*p != '0' && firstNonZero < 0)
                firstNonZero = digitIndex;
            ++digitIndex;
        }
    }
    const long long magnitude = intDigits - firstNonZero - 1 + exponent; // value ~ 10^magnitude
    const double d = magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    return negative ? -d : d;
}

} // namespace

Result<Value> JsonParser::run()
{
    if (m_p == m_end)
        return Result<Value>::failure(QStringLiteral("decode.empty"), QStringLiteral("JSON: empty input"));
    skipWhitespace();
    if (m_p == m_end)
        return Result<Value>::failure(QStringLiteral("decode.empty"), QStringLiteral("JSON: input contains only whitespace"));
    Value v;
    if (!parseValue(v, 0))
        return *m_error;
    skipWhitespace();
    if (m_p != m_end)
        return Result<Value>::failure(QStringLiteral("decode.trailing_data"),
                                      QStringLiteral("JSON: trailing data after the value at offset %1").arg(offset()));
    return v;
}

bool JsonParser::fail(const char *code, const QString &message)
{
    m_error = Error{QLatin1String(code), QStringLiteral("JSON: ") + message};
    return false;
}

bool JsonParser::unexpected(const char *what)
{
    const QString context = what ? QStringLiteral(" in %1").arg(QLatin1String(what)) : QString();
    if (m_p >= m_end)
        return fail("decode.truncated", QStringLiteral("unexpected end of input%1 at offset %2").arg(context).arg(offset()));
    const uchar c = uchar(*m_p);
    if (c > 0x20 && c < 0x7f)
        return fail("decode.syntax", QStringLiteral("unexpected character '%1'%2 at offset %3")
                                         .arg(QLatin1Char(char(c))).arg(context).arg(offset()));
    return fail("decode.syntax", QStringLiteral("unexpected byte 0x%1%2 at offset %3")
                                     .arg(uint(c), 2, 16, QLatin1Char('0')).arg(context).arg(offset()));
}

void JsonParser::skipWhitespace()
{
    while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
        ++m_p;
}

bool JsonParser::parseValue(Value &out, int depth)
{
    skipWhitespace();
    if (m_p == m_end)
        return unexpected();
    switch (*m_p) {
    case '{': return parseObject(out, depth + 1);
    case '[': return parseArray(out, depth + 1);
    case '"': return parseStringValue(out);
    case 't': out = Value(true); return parseLiteral("true", 4);
    case 'f': out = Value(false); return parseLiteral("false", 5);
    case 'n': out = Value(); return parseLiteral("null", 4);
    default:
        if (*m_p == '-' || isDigit(*m_p))
            return parseNumber(out);
        return unexpected();
    }
}

bool JsonParser::parseLiteral(const char *literal, int n)
{
    for (int i = 0; i < n; ++i, ++m_p) {
        if (m_p == m_end || *m_p != literal[i])
            return unexpected();
    }
    return true;
}

bool JsonParser::checkDepth(int depth)
{
    if (depth > kMaxNestingDepth)
        return fail("decode.too_deep", QStringLiteral("nesting deeper than %1 levels at offset %2").arg(kMaxNestingDepth).arg(offset()));
    return true;
}

bool JsonParser::parseArray(Value &out, int depth)
{
    if (!checkDepth(depth))
        return false;
    ++m_p; // '['
    List list;
    skipWhitespace();
    if (m_p < m_end && *m_p == ']') {
        ++m_p;
        out = Value(std::move(list));
        return true;
    }
    for (;;) {
        Value element;
        if (!parseValue(element, depth))
            return false;
        list.append(std::move(element));
        skipWhitespace();
        if (m_p == m_end)
            return unexpected("array");
        if (*m_p == ',') {
            ++m_p;
        } else if (*m_p == ']') {
            ++m_p;
            break;
        } else {
            return unexpected("array");
        }
    }
    out = Value(std::move(list));
    return true;
}

bool JsonParser::parseObject(Value &out, int depth)
{
    if (!checkDepth(depth))
        return false;
    ++m_p; // '{'
    Dict dict;
    skipWhitespace();
    if (m_p < m_end && *m_p == '}') {
        ++m_p;
        out = Value(std::move(dict));
        return true;
    }
    for (;;) {
        skipWhitespace();
        if (m_p == m_end || *m_p != '"')
            return unexpected("object (expected a string key)");
        QString key;
        bool leadingNul = false;
        if (!parseString(key, leadingNul))
            return false;
        if (leadingNul) // keys never use the binary convention: keep the text as is
            key = QString::fromUtf8(m_scratch);
        skipWhitespace();
        if (m_p == m_end || *m_p != ':')
            return unexpected("object (expected ':')");
        ++m_p;
        Value element;
        if (!parseValue(element, depth))
            return false;
        dict.insert(key, std::move(element)); // duplicate keys: last one wins
        skipWhitespace();
        if (m_p == m_end)
            return unexpected("object");
        if (*m_p == ',') {
            ++m_p;
        } else if (*m_p == '}') {
            ++m_p;
            break;
        } else {
            return unexpected("object");
        }
    }
    out = Value(std::move(dict));
    return true;
}

bool JsonParser::parseStringValue(Value &out)
{
    QString s;
    bool leadingNul = false;
    if (!parseString(s, leadingNul))
        return false;
    if (!leadingNul) {
        out = Value(std::move(s));
        return true;
    }
    // WAMP binary convention: "\u0000" + base64. The decoded text is in m_scratch.
    const auto decoded = QByteArray::fromBase64Encoding(QByteArray::fromRawData(m_scratch.constData() + 1, m_scratch.size() - 1),
                                                        QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    // Qt accepts a lone trailing sextet ("Q" -> empty); a length of 1 mod 4 is never valid base64.
    if (!decoded || (m_scratch.size() - 1) % 4 == 1)
        return fail("decode.invalid_base64", QStringLiteral("invalid base64 in binary string ending at offset %1").arg(offset()));
    out = Value::bytes(decoded.decoded);
    return true;
}

bool JsonParser::skipUtf8Sequence()
{
    const uchar c = uchar(*m_p);
    int n;
    char32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        cp = c & 0x07;
    } else {
        return invalidUtf8();
    }
    if (m_end - m_p <= n) {
        // Sequence cut off by the end of input: report a truncation if what is there is plausible.
        for (const char *q = m_p + 1; q < m_end; ++q) {
            if ((uchar(*q) & 0xc0) != 0x80)
                return invalidUtf8();
        }
        m_p = m_end;
        return unexpected("string");
    }
    for (int i = 1; i <= n; ++i) {
        const uchar b = uchar(m_p[i]);
        if ((b & 0xc0) != 0x80)
            return invalidUtf8();
        cp = (cp << 6) | (b & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return invalidUtf8(); // overlong, surrogate or out of range
    m_p += n + 1;
    return true;
}

bool JsonParser::invalidUtf8()
{
    return fail("decode.invalid_utf8", QStringLiteral("invalid UTF-8 at offset %1").arg(offset()));
}

bool JsonParser::readHex4(char32_t &out)
{
    out = 0;
    for (int i = 0; i < 4; ++i, ++m_p) {
        if (m_p == m_end)
            return unexpected("\\u escape");
        const int h = hexValue(*m_p);
        if (h < 0)
            return unexpected("\\u escape");
        out = (out << 4) | char32_t(h);
    }
    return true;
}

bool JsonParser::parseEscape()
{
    const char *escapeStart = m_p;
    ++m_p;
    if (m_p == m_end)
        return unexpected("string");
    char c = *m_p++;
    switch (c) {
    case '"': case '\\': case '/': break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
        char32_t cp;
        if (!readHex4(cp))
            return false;
        if (cp >= 0xdc00 && cp <= 0xdfff) {
            m_p = escapeStart;
            return fail("decode.invalid_unicode", QStringLiteral("unpaired low surrogate escape at offset %1").arg(offset()));
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (m_end - m_p >= 2 && m_p[0] == '\\' && m_p[1] == 'u') {
                m_p += 2;
                char32_t low;
                if (!readHex4(low))
                    return false;
                if (low >= 0xdc00 && low <= 0xdfff) {
                    appendUtf8(m_scratch, 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00));
                    return true;
                }
            } else if (m_p == m_end || (m_end - m_p == 1 && *m_p == '\\')) {
                m_p = m_end; // input ends where the low surrogate escape should be
                return unexpected("string");
            }
            m_p = escapeStart;
            return fail("decode.invalid_unicode", QStringLiteral("unpaired high surrogate escape at offset %1").arg(offset()));
        }
        appendUtf8(m_scratch, cp);
        return true;
    }
    default:
        --m_p;
        return unexpected("escape sequence");
    }
    m_scratch.append(c);
    return true;
}

bool JsonParser::controlCharacter()
{
    return fail("decode.syntax", QStringLiteral("unescaped control character 0x%1 in string at offset %2")
                                     .arg(uint(uchar(*m_p)), 2, 16, QLatin1Char('0')).arg(offset()));
}

bool JsonParser::parseString(QString &out, bool &leadingNul)
{
    ++m_p;
    const char *start = m_p;
    bool ascii = true;
    // Fast path: no escapes, copy straight from the input.
    while (m_p < m_end) {
        const uchar c = uchar(*m_p);
        if (c == '"') {
            out = ascii ? QString::fromLatin1(start, m_p - start) : QString::fromUtf8(start, m_p - start);
            ++m_p;
            leadingNul = false;
            return true;
        }
        if (c == '\\')
            break;
        if (c < 0x20)
            return controlCharacter();
        if (c < 0x80) {
            ++m_p;
        } else {
            if (!skipUtf8Sequence())
                return false;
            ascii = false;
        }
    }
    if (m_p == m_end)
        return unexpected("string");
    // Slow path: decode escapes into m_scratch.
    m_scratch.clear();
    m_scratch.append(start, m_p - start);
    while (m_p < m_end) {
        const uchar c = uchar(*m_p);
        if (c == '"') {
            ++m_p;
            leadingNul = !m_scratch.isEmpty() && m_scratch.at(0) == '\0';
            if (!leadingNul)
                out = QString::fromUtf8(m_scratch);
            return true;
        }
        if (c == '\\') {
            if (!parseEscape())
                return false;
        } else if (c < 0x20) {
            return controlCharacter();
        } else if (c < 0x80) {
            m_scratch.append(char(c));
            ++m_p;
        } else {
            const char *s = m_p;
            if (!skipUtf8Sequence())
                return false;
            m_scratch.append(s, m_p - s);
        }
    }
    return unexpected("string");
}

bool JsonParser::parseNumber(Value &out)
{
    const char *start = m_p;
    const bool negative = *m_p == '-';
    if (negative)
        ++m_p;
    if (m_p == m_end)
        return unexpected("number");
    if (*m_p == '0') {
        ++m_p; // no leading zeros: "01" stops here and fails as trailing/unexpected data
    } else if (isDigit(*m_p)) {
        while (m_p < m_end && isDigit(*m_p))
            ++m_p;
    } else {
        return unexpected("number");
    }
    const char *integerEnd = m_p;
    bool isDouble = false;
    if (m_p < m_end && *m_p == '.') {
        isDouble = true;
        ++m_p;
        if (m_p == m_end || !isDigit(*m_p))
            return unexpected("number");
        while (m_p < m_end && isDigit(*m_p))
            ++m_p;
    }
    if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
        isDouble = true;
        ++m_p;
        if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
            ++m_p;
        if (m_p == m_end || !isDigit(*m_p))
            return unexpected("number");
        while (m_p < m_end && isDigit(*m_p))
            ++m_p;
    }
    if (!isDouble) {
        quint64 magnitude = 0;
        bool overflow = false;
        for (const char *p = start + (negative ? 1 : 0); p < integerEnd; ++p) {
            const unsigned digit = unsigned(*p - '0');
            if (magnitude > (std::numeric_limits<quint64>::max() - digit) / 10) {
                overflow = true;
                break;
            }
            magnitude = magnitude * 10 + digit;
        }
        constexpr quint64 minMagnitude = quint64(std::numeric_limits<qint64>::max()) + 1;
        if (!overflow && !negative) {
            out = Value(magnitude); // Int up to INT64_MAX, UInt above
            return true;
        }
        if (!overflow && magnitude <= minMagnitude) {
            out = Value(magnitude == minMagnitude ? std::numeric_limits<qint64>::min() : -qint64(magnitude));
            return true;
        }
        // Out of the int64/uint64 range: becomes a double, like most JSON implementations do.
    }
    double d = 0.0;
    const auto res = std::from_chars(start, m_p, d);
    if (res.ec == std::errc::result_out_of_range)
        d = outOfRangeValue(start, m_p);
    else if (res.ec != std::errc() || res.ptr != m_p)
        return fail("decode.syntax", QStringLiteral("invalid number at offset %1").arg(start - m_begin));
    out = Value(d);
    return true;
}

} // namespace wb::codec
