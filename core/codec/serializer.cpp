// SPDX-License-Identifier: GPL-3.0-or-later
#include "codec/serializer.h"

#include "codec/cborserializer.h"
#include "codec/jsonserializer.h"
#include "codec/msgpackserializer.h"

#include <QStringList>

namespace wb::codec {

const Serializer *serializer(SerializerId id)
{
    // Function-local statics: constructed once, thread-safe, never destroyed before use.
    static const JsonSerializer json;
    static const MsgPackSerializer msgpack;
    static const CborSerializer cbor;
    switch (id) {
    case SerializerId::Json: return &json;
    case SerializerId::MsgPack: return &msgpack;
    case SerializerId::Cbor: return &cbor;
    case SerializerId::Invalid: break;
    }
    return nullptr;
}

const Serializer *serializerByName(const QString &name)
{
    for (SerializerId id : {SerializerId::Json, SerializerId::MsgPack, SerializerId::Cbor}) {
        const Serializer *s = serializer(id);
        if (s->name() == name)
            return s;
    }
    return nullptr;
}

const Serializer *serializerBySubprotocol(const QString &subprotocol)
{
    // Batched subprotocols ("wamp.2.json.batched", ...) are deliberately not supported (wamp-notes 7).
    for (SerializerId id : {SerializerId::Json, SerializerId::MsgPack, SerializerId::Cbor}) {
        const Serializer *s = serializer(id);
        if (s->subprotocol() == subprotocol)
            return s;
    }
    return nullptr;
}

QString serializerName(SerializerId id)
{
    const Serializer *s = serializer(id);
    return s ? s->name() : QString();
}

QStringList supportedSubprotocols()
{
    // JSON first: every WAMP implementation speaks it (several speak nothing else) and a workbench's
    // captures stay human-readable on the wire. The binary serializers follow in Crossbar's order
    // (cbor, msgpack); users who want them pick them explicitly.
    return {serializer(SerializerId::Json)->subprotocol(), serializer(SerializerId::Cbor)->subprotocol(),
            serializer(SerializerId::MsgPack)->subprotocol()};
}

} // namespace wb::codec
