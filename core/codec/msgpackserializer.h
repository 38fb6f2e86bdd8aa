// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "codec/serializer.h"

namespace wb::codec {

/// MessagePack (`wamp.2.msgpack`). Use serializer(SerializerId::MsgPack) rather than constructing one.
/// Built on the msgpack-c C API (only the .cpp includes it). Encodes integers in the narrowest form,
/// doubles as float64, strings as str, bytes as bin. Decodes every int width, float32/64, str (must be
/// UTF-8), bin, arrays and maps with str keys; ext types are rejected. A structural pre-scan bounds
/// declared lengths by the input size before msgpack-c allocates anything. Nesting is limited to 32,
/// not kMaxNestingDepth: that is libmsgpackc's compiled-in unpacker stack (MSGPACK_EMBED_STACK_SIZE).
class MsgPackSerializer final : public Serializer
{
public:
    SerializerId id() const override { return SerializerId::MsgPack; }
    QString name() const override { return QStringLiteral("msgpack"); }
    QString subprotocol() const override { return QStringLiteral("wamp.2.msgpack"); }
    bool isBinary() const override { return true; }
    QByteArray encode(const wamp::Value &value) const override;
    Result<wamp::Value> decode(QByteArrayView bytes) const override;
};

} // namespace wb::codec
