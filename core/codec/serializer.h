// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "wamp/result.h"
#include "wamp/value.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

namespace wb::codec {

/// Serializer ids as used by the RawSocket handshake (and CppWAMP's KnownCodecIds).
enum class SerializerId : int { Invalid = 0, Json = 1, MsgPack = 2, Cbor = 3 };

/// Decoding limits (protect against hostile input).
inline constexpr int kMaxNestingDepth = 64;

/// Converts bytes <-> wb::wamp::Value. Nothing else: no message knowledge, no I/O.
/// Implementations are stateless and thread-safe.
class Serializer
{
public:
    virtual ~Serializer() = default;
    virtual SerializerId id() const = 0;
    /// "json", "msgpack", "cbor"
    virtual QString name() const = 0;
    /// WebSocket subprotocol, e.g. "wamp.2.json"
    virtual QString subprotocol() const = 0;
    /// true: binary WebSocket frames; false: text frames (JSON)
    virtual bool isBinary() const = 0;
    /// Encode a value. Never fails: values a format cannot express (NaN/Inf in JSON) become null.
    virtual QByteArray encode(const wamp::Value &value) const = 0;
    /// Decode exactly one value occupying all of \a bytes. Malformed, truncated, trailing bytes or
    /// nesting deeper than kMaxNestingDepth give an Error with code "decode.*" and a readable message.
    virtual Result<wamp::Value> decode(QByteArrayView bytes) const = 0;
};

/// Shared, immutable instances.
const Serializer *serializer(SerializerId id);
const Serializer *serializerByName(const QString &name);              ///< "json" | "msgpack" | "cbor"
const Serializer *serializerBySubprotocol(const QString &subprotocol); ///< "wamp.2.json", ...
QString serializerName(SerializerId id);
/// All supported WebSocket subprotocols, preferred first.
QStringList supportedSubprotocols();

} // namespace wb::codec
