// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal helpers shared by the transport implementations. Not part of the public transport API.

#include <QHostAddress>
#include <QLoggingCategory>
#include <QString>

namespace wb::transport {

Q_DECLARE_LOGGING_CATEGORY(lcTransport)

namespace detail {

/// "127.0.0.1:51234" or "[::1]:51234"
QString formatPeer(const QHostAddress &address, quint16 port);
/// Address to listen on for a URL host: "localhost" -> 127.0.0.1, "" / "*" / "0.0.0.0" -> any IPv4,
/// "::" -> any. Returns a null address for a host name that is not an IP literal.
QHostAddress listenAddress(const QString &host);
/// Cuts a WebSocket close reason to the 123 UTF-8 bytes a close frame can carry.
QString truncateCloseReason(const QString &reason);
/// How long a server waits for a WebSocket upgrade or RawSocket handshake.
inline constexpr int kServerHandshakeTimeoutMs = 10000;
/// How long a graceful close may take before the socket is aborted.
inline constexpr int kCloseTimeoutMs = 5000;
/// Accept backlog: Qt's default of 30 silently drops connections arriving in a burst.
inline constexpr int kMaxPendingConnections = 10000;

} // namespace detail
} // namespace wb::transport
