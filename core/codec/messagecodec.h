// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// bytes <-> Message in one step: serializer decode + table validation. Used by the client session and the router.

#include "serializer.h"
#include "wamp/message.h"

namespace wb::codec {

inline Result<wamp::Message> decodeMessage(const Serializer &serializer, QByteArrayView bytes)
{
    Result<wamp::Value> v = serializer.decode(bytes);
    if (!v.ok())
        return v.error();
    return wamp::Message::fromValue(*v);
}

inline QByteArray encodeMessage(const Serializer &serializer, const wamp::Message &message)
{
    return serializer.encode(message.toValue());
}

} // namespace wb::codec
