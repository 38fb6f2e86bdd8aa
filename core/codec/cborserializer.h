// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "codec/serializer.h"

namespace wb::codec {

/// CBOR (`wamp.2.cbor`, RFC 8949). Use serializer(SerializerId::Cbor) rather than constructing one.
/// Decodes with QCborStreamReader straight into Value: unsigned integers keep the full uint64 range,
/// negative integers below INT64_MIN become Double, half/single/double floats become Double, tags are
/// skipped (the tagged item is kept), undefined becomes Null, other simple values are rejected, map
/// keys must be text, definite and indefinite lengths are accepted. Encodes doubles as float64.
class CborSerializer final : public Serializer
{
public:
    SerializerId id() const override { return SerializerId::Cbor; }
    QString name() const override { return QStringLiteral("cbor"); }
    QString subprotocol() const override { return QStringLiteral("wamp.2.cbor"); }
    bool isBinary() const override { return true; }
    QByteArray encode(const wamp::Value &value) const override;
    Result<wamp::Value> decode(QByteArrayView bytes) const override;
};

} // namespace wb::codec
