// SPDX-License-Identifier: GPL-3.0-or-later
#include "codec/msgpackserializer.h"

#include <QStringDecoder>

#include <msgpack.h>

#include <algorithm>
#include <array>
#include <optional>

// msgpack-c (C API, Debian 12: libmsgpackc 4.0) does the actual encoding and decoding. Its unpacker
// has two properties we must guard against before handing it hostile bytes:
//  * it allocates `count * sizeof(msgpack_object)` up front for every array/map header, so a 5-byte
//    array32 header claiming 4 Gi elements makes it try to allocate ~96 GiB;
//  * its container stack is fixed at compile time (MSGPACK_EMBED_STACK_SIZE = 32), deeper input gives
//    MSGPACK_UNPACK_NOMEM_ERROR.
// So decode() first runs a cheap structural pre-scan over the bytes (no allocation): every declared
// length must fit in the remaining input (each element takes at least one byte), nesting is bounded,
// map keys must be strings, ext types are rejected, and exactly one object must fill the input.
// After that msgpack-c can allocate at most ~24 bytes per input byte.

namespace wb::codec {

using wamp::Dict;
using wamp::List;
using wamp::Value;

namespace {

/// libmsgpackc's compiled-in container stack size (MSGPACK_EMBED_STACK_SIZE in unpack_define.h).
constexpr int kLibMsgPackMaxDepth = 32;
constexpr int kMaxDepth = std::min(kMaxNestingDepth, kLibMsgPackMaxDepth);

Error decodeError(const char *code, const QString &message)
{
    return Error{QLatin1String(code), QStringLiteral("MessagePack: ") + message};
}

// ------------------------------------------------------------------------------------------------
// Encoder

int appendToByteArray(void *data, const char *buf, size_t len)
{
    static_cast<QByteArray *>(data)->append(buf, qsizetype(len));
    return 0;
}

void pack(msgpack_packer *pk, const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    msgpack_pack_str(pk, size_t(utf8.size()));
    msgpack_pack_str_body(pk, utf8.constData(), size_t(utf8.size()));
}

void pack(msgpack_packer *pk, const Value &v)
{
    switch (v.kind()) {
    case Value::Kind::Null: msgpack_pack_nil(pk); break;
    case Value::Kind::Bool: v.toBool() ? msgpack_pack_true(pk) : msgpack_pack_false(pk); break;
    case Value::Kind::Int: msgpack_pack_int64(pk, int64_t(*v.toInt64())); break;   // narrowest form
    case Value::Kind::UInt: msgpack_pack_uint64(pk, uint64_t(*v.toUInt64())); break; // uint64 (0xcf)
    case Value::Kind::Double: msgpack_pack_double(pk, v.toDouble()); break;          // float64 (0xcb)
    case Value::Kind::String: pack(pk, *v.stringPtr()); break;
    case Value::Kind::Bytes: {
        const QByteArray b = v.toBytes();
        msgpack_pack_bin(pk, size_t(b.size()));
        msgpack_pack_bin_body(pk, b.constData(), size_t(b.size()));
        break;
    }
    case Value::Kind::List: {
        const List &l = *v.listPtr();
        msgpack_pack_array(pk, size_t(l.size()));
        for (const Value &e : l)
            pack(pk, e);
        break;
    }
    case Value::Kind::Dict: {
        const Dict &d = *v.dictPtr();
        msgpack_pack_map(pk, size_t(d.size()));
        for (auto it = d.cbegin(); it != d.cend(); ++it) {
            pack(pk, it.key());
            pack(pk, it.value());
        }
        break;
    }
    }
}

// ------------------------------------------------------------------------------------------------
// Pre-scan (see the comment at the top)

class PreScanner
{
public:
    PreScanner(const uchar *data, size_t size) : m_data(data), m_size(size) {}

    std::optional<Error> run()
    {
        if (m_size == 0)
            return decodeError("decode.empty", QStringLiteral("empty input"));
        // m_pending[d]: items still expected at depth d; m_isMap[d]: that level alternates key/value.
        int depth = 0;
        m_pending[0] = 1;
        m_isMap[0] = false;
        for (;;) {
            if (m_pending[depth] == 0) {
                if (depth == 0)
                    break;
                --depth;
                continue;
            }
            const bool expectKey = m_isMap[depth] && m_pending[depth] % 2 == 0;
            --m_pending[depth];
            if (m_pos >= m_size)
                return truncated();
            const size_t itemOffset = m_pos;
            const uchar b = m_data[m_pos++];
            if (expectKey && !((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb)))
                return decodeError("decode.invalid_key", QStringLiteral("map key at offset %1 is not a string (type byte 0x%2)")
                                                             .arg(itemOffset).arg(uint(b), 2, 16, QLatin1Char('0')));
            quint64 containerCount = 0;
            bool isContainer = false, isMap = false;
            if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
                // fixint, nil, bool: no payload
            } else if (b <= 0x8f) {
                isContainer = isMap = true;
                containerCount = b & 0x0f;
            } else if (b <= 0x9f) {
                isContainer = true;
                containerCount = b & 0x0f;
            } else if (b <= 0xbf) {
                if (!skip(b & 0x1f))
                    return truncated();
            } else {
                switch (b) {
                case 0xc1:
                    return decodeError("decode.syntax", QStringLiteral("reserved type byte 0xc1 at offset %1").arg(itemOffset));
                case 0xc4: case 0xd9: if (!skipSized(1)) return truncated(); break; // bin8, str8
                case 0xc5: case 0xda: if (!skipSized(2)) return truncated(); break; // bin16, str16
                case 0xc6: case 0xdb: if (!skipSized(4)) return truncated(); break; // bin32, str32
                case 0xc7: case 0xc8: case 0xc9: { // ext8/16/32
                    quint64 len;
                    if (!readBigEndian(b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4, len) || m_pos >= m_size)
                        return truncated();
                    return unsupportedExt(m_data[m_pos]);
                }
                case 0xca: if (!skip(4)) return truncated(); break;
                case 0xcb: if (!skip(8)) return truncated(); break;
                case 0xcc: case 0xd0: if (!skip(1)) return truncated(); break;
                case 0xcd: case 0xd1: if (!skip(2)) return truncated(); break;
                case 0xce: case 0xd2: if (!skip(4)) return truncated(); break;
                case 0xcf: case 0xd3: if (!skip(8)) return truncated(); break;
                case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: // fixext
                    if (m_pos >= m_size)
                        return truncated();
                    return unsupportedExt(m_data[m_pos]);
                case 0xdc: case 0xdd:
                    isContainer = true;
                    if (!readBigEndian(b == 0xdc ? 2 : 4, containerCount))
                        return truncated();
                    break;
                case 0xde: case 0xdf:
                    isContainer = isMap = true;
                    if (!readBigEndian(b == 0xde ? 2 : 4, containerCount))
                        return truncated();
                    break;
                }
            }
            if (!isContainer)
                continue;
            if (depth + 1 > kMaxDepth)
                return decodeError("decode.too_deep", QStringLiteral("nesting deeper than %1 levels at offset %2").arg(kMaxDepth).arg(itemOffset));
            const quint64 items = isMap ? containerCount * 2 : containerCount;
            if (items > m_size - m_pos) // every item needs at least one byte
                return decodeError("decode.truncated", QStringLiteral("%1 at offset %2 declares %3 entries but only %4 bytes follow")
                                                           .arg(isMap ? QLatin1String("map") : QLatin1String("array"))
                                                           .arg(itemOffset).arg(containerCount).arg(m_size - m_pos));
            ++depth;
            m_pending[depth] = items;
            m_isMap[depth] = isMap;
        }
        if (m_pos != m_size)
            return decodeError("decode.trailing_data", QStringLiteral("trailing data after the value at offset %1").arg(m_pos));
        return std::nullopt;
    }

private:
    Error truncated() const
    {
        return decodeError("decode.truncated", QStringLiteral("unexpected end of input (%1 bytes)").arg(m_size));
    }

    Error unsupportedExt(uchar type) const
    {
        return decodeError("decode.unsupported_type", QStringLiteral("unsupported ext type %1").arg(int(qint8(type))));
    }

    bool skip(quint64 n)
    {
        if (n > m_size - m_pos)
            return false;
        m_pos += size_t(n);
        return true;
    }

    bool readBigEndian(int width, quint64 &out)
    {
        if (size_t(width) > m_size - m_pos)
            return false;
        out = 0;
        for (int i = 0; i < width; ++i)
            out = (out << 8) | m_data[m_pos++];
        return true;
    }

    /// Length prefix of `width` bytes followed by that many bytes.
    bool skipSized(int width)
    {
        quint64 len;
        return readBigEndian(width, len) && skip(len);
    }

    const uchar *m_data;
    size_t m_size;
    size_t m_pos = 0;
    std::array<quint64, kMaxDepth + 1> m_pending{};
    std::array<bool, kMaxDepth + 1> m_isMap{};
};

// ------------------------------------------------------------------------------------------------
// msgpack_object -> Value (input already pre-scanned; the checks here are a second line of defence)

std::optional<QString> decodeUtf8(const char *p, uint32_t n)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    QString s = decoder.decode(QByteArrayView(p, qsizetype(n)));
    if (decoder.hasError())
        return std::nullopt;
    return s;
}

std::optional<Error> convert(const msgpack_object &o, Value &out, int depth)
{
    switch (o.type) {
    case MSGPACK_OBJECT_NIL: out = Value(); return std::nullopt;
    case MSGPACK_OBJECT_BOOLEAN: out = Value(o.via.boolean); return std::nullopt;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: out = Value(quint64(o.via.u64)); return std::nullopt;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: out = Value(qint64(o.via.i64)); return std::nullopt;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: out = Value(o.via.f64); return std::nullopt; // float32 is widened by msgpack-c
    case MSGPACK_OBJECT_STR: {
        auto s = decodeUtf8(o.via.str.ptr, o.via.str.size);
        if (!s)
            return decodeError("decode.invalid_utf8", QStringLiteral("invalid UTF-8 in a str of %1 bytes").arg(o.via.str.size));
        out = Value(std::move(*s));
        return std::nullopt;
    }
    case MSGPACK_OBJECT_BIN: out = Value::bytes(QByteArray(o.via.bin.ptr, qsizetype(o.via.bin.size))); return std::nullopt;
    case MSGPACK_OBJECT_ARRAY: {
        if (depth + 1 > kMaxDepth)
            return decodeError("decode.too_deep", QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
        List list;
        list.reserve(qsizetype(o.via.array.size)); // bounded by the input size (pre-scan)
        for (uint32_t i = 0; i < o.via.array.size; ++i) {
            Value element;
            if (auto err = convert(o.via.array.ptr[i], element, depth + 1))
                return err;
            list.append(std::move(element));
        }
        out = Value(std::move(list));
        return std::nullopt;
    }
    case MSGPACK_OBJECT_MAP: {
        if (depth + 1 > kMaxDepth)
            return decodeError("decode.too_deep", QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
        Dict dict;
        for (uint32_t i = 0; i < o.via.map.size; ++i) {
            const msgpack_object_kv &kv = o.via.map.ptr[i];
            if (kv.key.type != MSGPACK_OBJECT_STR)
                return decodeError("decode.invalid_key", QStringLiteral("map key is not a string"));
            auto key = decodeUtf8(kv.key.via.str.ptr, kv.key.via.str.size);
            if (!key)
                return decodeError("decode.invalid_utf8", QStringLiteral("invalid UTF-8 in a map key of %1 bytes").arg(kv.key.via.str.size));
            Value element;
            if (auto err = convert(kv.val, element, depth + 1))
                return err;
            dict.insert(*key, std::move(element)); // duplicate keys: last one wins
        }
        out = Value(std::move(dict));
        return std::nullopt;
    }
    case MSGPACK_OBJECT_EXT:
        return decodeError("decode.unsupported_type", QStringLiteral("unsupported ext type %1").arg(int(o.via.ext.type)));
    }
    return decodeError("decode.unsupported_type", QStringLiteral("unsupported object type %1").arg(int(o.type)));
}

} // namespace

QByteArray MsgPackSerializer::encode(const Value &value) const
{
    QByteArray out;
    out.reserve(64);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &out, appendToByteArray);
    pack(&pk, value);
    return out;
}

Result<Value> MsgPackSerializer::decode(QByteArrayView bytes) const
{
    if (auto err = PreScanner(reinterpret_cast<const uchar *>(bytes.data()), size_t(bytes.size())).run())
        return *err;

    msgpack_unpacked unpacked;
    msgpack_unpacked_init(&unpacked);
    size_t offset = 0;
    const msgpack_unpack_return rc = msgpack_unpack_next(&unpacked, bytes.data(), size_t(bytes.size()), &offset);
    Result<Value> result = Value();
    if (rc == MSGPACK_UNPACK_SUCCESS || rc == MSGPACK_UNPACK_EXTRA_BYTES) {
        Value v;
        if (offset != size_t(bytes.size()))
            result = decodeError("decode.trailing_data", QStringLiteral("trailing data after the value at offset %1").arg(offset));
        else if (auto err = convert(unpacked.data, v, 0))
            result = *err;
        else
            result = std::move(v);
    } else if (rc == MSGPACK_UNPACK_CONTINUE) {
        result = decodeError("decode.truncated", QStringLiteral("unexpected end of input (%1 bytes)").arg(bytes.size()));
    } else if (rc == MSGPACK_UNPACK_NOMEM_ERROR) {
        result = decodeError("decode.too_deep", QStringLiteral("msgpack-c ran out of memory or stack"));
    } else {
        result = decodeError("decode.syntax", QStringLiteral("malformed input (msgpack-c error %1)").arg(int(rc)));
    }
    msgpack_unpacked_destroy(&unpacked);
    return result;
}

} // namespace wb::codec
