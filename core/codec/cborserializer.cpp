// SPDX-License-Identifier: GPL-3.0-or-later
#include "codec/cborserializer.h"

#include <QCborStreamReader>
#include <QCborStreamWriter>

#include <algorithm>
#include <limits>
#include <optional>

// Decodes straight from QCborStreamReader into Value (not through QCborValue, which has no uint64
// above INT64_MAX). Decisions:
//  * negative integers below INT64_MIN (CBOR major type 1 reaches -2^64) become Double, like
//    out-of-range JSON integers; nothing in WAMP needs them exactly;
//  * tags are skipped: the tagged item is decoded and the tag number dropped;
//  * undefined becomes Null; other simple values (and nothing else) are rejected;
//  * encoding writes integers in their shortest form (QCborStreamWriter does), doubles always as
//    64-bit floats so they stay exactly what the Value held.

namespace wb::codec {

using wamp::Dict;
using wamp::List;
using wamp::Value;

namespace {

void write(QCborStreamWriter &w, const Value &v)
{
    switch (v.kind()) {
    case Value::Kind::Null: w.appendNull(); break;
    case Value::Kind::Bool: w.append(v.toBool()); break;
    case Value::Kind::Int: w.append(qint64(*v.toInt64())); break;
    case Value::Kind::UInt: w.append(quint64(*v.toUInt64())); break;
    case Value::Kind::Double: w.append(v.toDouble()); break;
    case Value::Kind::String: w.append(QStringView(*v.stringPtr())); break;
    case Value::Kind::Bytes: w.append(v.toBytes()); break;
    case Value::Kind::List: {
        const List &l = *v.listPtr();
        w.startArray(quint64(l.size()));
        for (const Value &e : l)
            write(w, e);
        w.endArray();
        break;
    }
    case Value::Kind::Dict: {
        const Dict &d = *v.dictPtr();
        w.startMap(quint64(d.size()));
        for (auto it = d.cbegin(); it != d.cend(); ++it) {
            w.append(QStringView(it.key()));
            write(w, it.value());
        }
        w.endMap();
        break;
    }
    }
}

class Decoder
{
public:
    explicit Decoder(QByteArrayView bytes) : m_reader(bytes.data(), bytes.size()), m_size(bytes.size()) {}

    Result<Value> run()
    {
        if (m_size == 0)
            return fail("decode.empty", QStringLiteral("empty input"));
        Value v;
        if (!readValue(v, 0))
            return *m_error;
        if (m_reader.lastError() != QCborError::NoError)
            return streamError();
        if (m_reader.currentOffset() != m_size)
            return fail("decode.trailing_data", QStringLiteral("trailing data after the value at offset %1").arg(m_reader.currentOffset()));
        return v;
    }

private:
    Error fail(const char *code, const QString &message)
    {
        m_error = Error{QLatin1String(code), QStringLiteral("CBOR: ") + message};
        return *m_error;
    }

    Error streamError()
    {
        const QCborError err = m_reader.lastError();
        const char *code = "decode.syntax";
        switch (err.c) {
        case QCborError::EndOfFile: code = "decode.truncated"; break;
        case QCborError::InvalidUtf8String: code = "decode.invalid_utf8"; break;
        case QCborError::DataTooLarge: code = "decode.too_large"; break;
        case QCborError::NestingTooDeep: code = "decode.too_deep"; break;
        case QCborError::NoError: // the reader gave up without saying why
            return fail("decode.syntax", QStringLiteral("invalid data at offset %1").arg(m_reader.currentOffset()));
        default: break;
        }
        return fail(code, QStringLiteral("%1 at offset %2").arg(err.toString()).arg(m_reader.currentOffset()));
    }

    bool failStream()
    {
        streamError();
        return false;
    }

    bool skipTags()
    {
        while (m_reader.isTag()) {
            if (!m_reader.next())
                return failStream();
        }
        return true;
    }

    bool readText(QString &out)
    {
        out.clear();
        auto chunk = m_reader.readString();
        while (chunk.status == QCborStreamReader::Ok) {
            out += chunk.data;
            chunk = m_reader.readString();
        }
        return chunk.status == QCborStreamReader::Error ? failStream() : true;
    }

    bool readBytes(QByteArray &out)
    {
        out.clear();
        auto chunk = m_reader.readByteArray();
        while (chunk.status == QCborStreamReader::Ok) {
            out += chunk.data;
            chunk = m_reader.readByteArray();
        }
        return chunk.status == QCborStreamReader::Error ? failStream() : true;
    }

    bool checkDepth(int depth)
    {
        if (depth > kMaxNestingDepth) {
            fail("decode.too_deep", QStringLiteral("nesting deeper than %1 levels at offset %2").arg(kMaxNestingDepth).arg(m_reader.currentOffset()));
            return false;
        }
        return true;
    }

    /// Pre-size a container, but never beyond what the remaining input could possibly hold.
    qsizetype reserveHint()
    {
        if (!m_reader.isLengthKnown())
            return 0;
        const quint64 remaining = quint64(m_size - m_reader.currentOffset());
        return qsizetype(std::min<quint64>(m_reader.length(), remaining));
    }

    bool readValue(Value &out, int depth)
    {
        if (!skipTags())
            return false;
        switch (m_reader.type()) {
        case QCborStreamReader::UnsignedInteger:
            out = Value(quint64(m_reader.toUnsignedInteger()));
            break;
        case QCborStreamReader::NegativeInteger: {
            // QCborNegativeInteger holds the absolute value; -2^64 wraps to 0.
            const quint64 magnitude = quint64(m_reader.toNegativeInteger());
            constexpr quint64 minMagnitude = quint64(std::numeric_limits<qint64>::max()) + 1;
            if (magnitude == 0)
                out = Value(-18446744073709551616.0);
            else if (magnitude == minMagnitude)
                out = Value(std::numeric_limits<qint64>::min());
            else if (magnitude < minMagnitude)
                out = Value(-qint64(magnitude));
            else
                out = Value(-double(magnitude)); // below INT64_MIN: documented as Double
            break;
        }
        case QCborStreamReader::ByteArray: {
            QByteArray b;
            if (!readBytes(b))
                return false;
            out = Value::bytes(std::move(b));
            return true; // readByteArray() already advanced
        }
        case QCborStreamReader::String: {
            QString s;
            if (!readText(s))
                return false;
            out = Value(std::move(s));
            return true;
        }
        case QCborStreamReader::Array: {
            if (!checkDepth(depth + 1))
                return false;
            List list;
            list.reserve(reserveHint());
            if (!m_reader.enterContainer())
                return failStream();
            while (m_reader.lastError() == QCborError::NoError && m_reader.hasNext()) {
                Value element;
                if (!readValue(element, depth + 1))
                    return false;
                list.append(std::move(element));
            }
            if (m_reader.lastError() != QCborError::NoError || !m_reader.leaveContainer())
                return failStream();
            out = Value(std::move(list));
            return true;
        }
        case QCborStreamReader::Map: {
            if (!checkDepth(depth + 1))
                return false;
            Dict dict;
            if (!m_reader.enterContainer())
                return failStream();
            while (m_reader.lastError() == QCborError::NoError && m_reader.hasNext()) {
                if (!skipTags())
                    return false;
                if (!m_reader.isString()) {
                    if (m_reader.type() == QCborStreamReader::Invalid)
                        return failStream();
                    fail("decode.invalid_key", QStringLiteral("map key at offset %1 is not a text string").arg(m_reader.currentOffset()));
                    return false;
                }
                QString key;
                if (!readText(key))
                    return false;
                Value element;
                if (!readValue(element, depth + 1))
                    return false;
                dict.insert(key, std::move(element)); // duplicate keys: last one wins
            }
            if (m_reader.lastError() != QCborError::NoError || !m_reader.leaveContainer())
                return failStream();
            out = Value(std::move(dict));
            return true;
        }
        case QCborStreamReader::SimpleType:
            if (m_reader.isFalse()) {
                out = Value(false);
            } else if (m_reader.isTrue()) {
                out = Value(true);
            } else if (m_reader.isNull() || m_reader.isUndefined()) {
                out = Value();
            } else {
                fail("decode.unsupported_type", QStringLiteral("unsupported simple value %1 at offset %2")
                                                    .arg(int(m_reader.toSimpleType())).arg(m_reader.currentOffset()));
                return false;
            }
            break;
        case QCborStreamReader::Float16: out = Value(double(float(m_reader.toFloat16()))); break;
        case QCborStreamReader::Float: out = Value(double(m_reader.toFloat())); break;
        case QCborStreamReader::Double: out = Value(m_reader.toDouble()); break;
        case QCborStreamReader::Tag: // handled by skipTags()
        case QCborStreamReader::Invalid:
            return failStream();
        }
        return m_reader.next() ? true : failStream();
    }

    QCborStreamReader m_reader;
    qint64 m_size;
    std::optional<Error> m_error;
};

} // namespace

QByteArray CborSerializer::encode(const Value &value) const
{
    QByteArray out;
    out.reserve(64);
    QCborStreamWriter writer(&out);
    write(writer, value);
    return out;
}

Result<Value> CborSerializer::decode(QByteArrayView bytes) const
{
    Decoder decoder(bytes);
    return decoder.run();
}

} // namespace wb::codec
