// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// bytes <-> Message in one step: serializer decode + table validation. Used by the client session and the router.

#include "serializer.h"
#include "wamp/message.h"

namespace wb::codec {

/// Which step of decodeMessage() failed: the bytes are not valid in the serializer's format (Undecodable), or they
/// decode to a value that is not a valid WAMP message (Malformed). The router words the two differently.
enum class DecodeFailure { None, Undecodable, Malformed };

inline Result<wamp::Message> decodeMessage(const Serializer &serializer, QByteArrayView bytes,
                                           DecodeFailure *failure = nullptr)
{
    Result<wamp::Value> v = serializer.decode(bytes);
    if (!v.ok()) {
        if (failure)
            *failure = DecodeFailure::Undecodable;
        return v.error();
    }
    Result<wamp::Message> m = wamp::Message::fromValue(*v);
    if (failure)
        *failure = m.ok() ? DecodeFailure::None : DecodeFailure::Malformed;
    return m;
}

inline QByteArray encodeMessage(const Serializer &serializer, const wamp::Message &message)
{
    return serializer.encode(message.toValue());
}

} // namespace wb::codec
