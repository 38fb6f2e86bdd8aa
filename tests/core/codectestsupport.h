// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What tst_codec (round trips, wire vectors, decode-only inputs) and tst_codec_malformed (malformed and truncated
// input, robustness) share: data-row naming per serializer, nesting limits, sample values, Value printing for QCOMPARE.

#include "codec/serializer.h"

#include <QTest>

#include <cmath>
#include <limits>

namespace wb::wamp {
// Readable QCOMPARE failures for Value (found through ADL by QTest).
inline char *toString(const Value &v)
{
    return qstrdup(v.toDebugString().toUtf8().constData());
}
} // namespace wb::wamp

namespace wb::testing::codectests {

using namespace wb::codec;
using namespace wb::wamp;

inline constexpr SerializerId kAllIds[] = {SerializerId::Json, SerializerId::MsgPack, SerializerId::Cbor};
inline constexpr qint64 kInt64Max = std::numeric_limits<qint64>::max();
inline constexpr qint64 kInt64Min = std::numeric_limits<qint64>::min();
inline constexpr quint64 kUInt64Max = std::numeric_limits<quint64>::max();

/// msgpack-c's unpacker has a fixed container stack of 32 (MSGPACK_EMBED_STACK_SIZE); the other two
/// serializers allow kMaxNestingDepth.
inline int maxDepth(SerializerId id)
{
    return id == SerializerId::MsgPack ? 32 : kMaxNestingDepth;
}

inline QString str(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

inline QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}

inline Value nestedLists(int depth)
{
    Value v = 1;
    for (int i = 0; i < depth; ++i)
        v = Value(List{v});
    return v;
}

inline Value nestedDicts(int depth)
{
    Value v = QStringLiteral("leaf");
    for (int i = 0; i < depth; ++i)
        v = Value(Dict{{QStringLiteral("a"), v}});
    return v;
}

inline Value wampCall()
{
    return List{36, qint64(5512315355), qint64(4429313566), Dict{}, List{QStringLiteral("Hello")},
                Dict{{QStringLiteral("k"), 1}}};
}

inline Value mixed()
{
    return List{Dict{{QStringLiteral("list"), List{1, 2.5, QStringLiteral("x"), Value(), true}},
                     {QStringLiteral("dict"), Dict{{QStringLiteral("b"), Value::bytes(QByteArray("\x00\x01", 2))}}},
                     {QStringLiteral("empty"), List{}}},
                List{List{}, Dict{}, List{List{Value(false)}}}, quint64(kUInt64Max), -0.5};
}

inline QString rowName(SerializerId id, const char *name)
{
    return serializerName(id) + QLatin1Char('/') + QLatin1String(name);
}

inline void addRow(SerializerId id, const char *name)
{
    QTest::newRow(qPrintable(rowName(id, name))) << int(id);
}

inline QString errorPrefix(SerializerId id)
{
    switch (id) {
    case SerializerId::Json: return QStringLiteral("JSON: ");
    case SerializerId::MsgPack: return QStringLiteral("MessagePack: ");
    case SerializerId::Cbor: return QStringLiteral("CBOR: ");
    case SerializerId::Invalid: break;
    }
    return {};
}

inline bool hasNonFinite(const Value &v)
{
    const QString s = v.toDebugString();
    return s.contains(QLatin1String("NaN")) || s.contains(QLatin1String("Infinity"));
}

} // namespace wb::testing::codectests
