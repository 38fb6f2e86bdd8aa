// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "codec/serializer.h"

namespace wb::codec {

/// JSON (`wamp.2.json`, text frames). Use serializer(SerializerId::Json) rather than constructing one.
/// Hand-written parser/writer over UTF-8 (not QJsonDocument, which loses uint64 and 1 vs 1.0):
/// integer literals become Int, or UInt above INT64_MAX; integers outside both ranges and literals with
/// '.', 'e' or 'E' become Double (overflowing exponents give +-inf, underflow 0). Doubles are written in
/// shortest round-trip form with a '.' or exponent kept ("1.0"); NaN/Inf are written as null.
/// Bytes use the WAMP convention "\u0000" + padded base64 both ways (values only, never dict keys), so
/// a *text* value starting with U+0000 reads back as bytes. Input must be valid UTF-8; unpaired
/// surrogate escapes are rejected (decode.invalid_unicode). Duplicate keys: the last one wins.
class JsonSerializer final : public Serializer
{
public:
    SerializerId id() const override { return SerializerId::Json; }
    QString name() const override { return QStringLiteral("json"); }
    QString subprotocol() const override { return QStringLiteral("wamp.2.json"); }
    bool isBinary() const override { return false; }
    QByteArray encode(const wamp::Value &value) const override;
    Result<wamp::Value> decode(QByteArrayView bytes) const override;
};

} // namespace wb::codec
