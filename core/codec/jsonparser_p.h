// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The JSON parser behind JsonSerializer::decode() (private to core/codec). Grammar and number rules: see
// jsonserializer.h; the writer is jsonwriter_p.cpp.

#include "codec/serializer.h"
#include "wamp/result.h"
#include "wamp/value.h"

#include <QByteArray>

#include <optional>

namespace wb::codec {

/// One parse of one buffer: JsonParser(begin, end).run().
class JsonParser
{
public:
    JsonParser(const char *begin, const char *end) : m_begin(begin), m_p(begin), m_end(end) {}

    Result<wamp::Value> run();

private:
    qint64 offset() const { return m_p - m_begin; }

    bool fail(const char *code, const QString &message);
    /// Error for the byte at m_p (or for running out of input).
    bool unexpected(const char *what = nullptr);
    void skipWhitespace();
    bool parseValue(wamp::Value &out, int depth);
    bool parseLiteral(const char *literal, int n);
    bool checkDepth(int depth);
    bool parseArray(wamp::Value &out, int depth);
    bool parseObject(wamp::Value &out, int depth);
    bool parseStringValue(wamp::Value &out);
    /// Validates one multi-byte UTF-8 sequence at m_p (first byte >= 0x80) and advances past it.
    bool skipUtf8Sequence();
    bool invalidUtf8();
    bool readHex4(char32_t &out);
    /// m_p is at the backslash; appends the decoded character to m_scratch.
    bool parseEscape();
    bool controlCharacter();
    /// m_p is at the opening quote. On success m_p is past the closing quote. If the string has
    /// escapes, its UTF-8 form is left in m_scratch; leadingNul tells whether it starts with U+0000
    /// (only possible through an escape: a raw NUL is an unescaped control character).
    bool parseString(QString &out, bool &leadingNul);
    bool parseNumber(wamp::Value &out);

    const char *m_begin;
    const char *m_p;
    const char *m_end;
    std::optional<Error> m_error;
    QByteArray m_scratch; ///< decoded text of the last string that had escapes
};

} // namespace wb::codec
