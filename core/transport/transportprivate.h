// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal helpers shared by the transport implementations. Not part of the public transport API.

#include "transport/transport.h"

#include <QHostAddress>
#include <QList>
#include <QLoggingCategory>
#include <QSslError>
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
/// "CN=localhost, issued by CN=localhost, valid until 2027-01-01, SHA-256 AB:CD:..."
QString describeCertificate(const QSslCertificate &certificate);
/// Client side: what to do with the certificate errors of a TLS handshake with \a peer. True when they are to be
/// ignored (acceptAnyCertificate, or the certificate matches the pinned fingerprint); otherwise \a text says which
/// certificate was rejected and why.
bool acceptCertificateErrors(const TlsClientOptions &tls, const QList<QSslError> &errors, const QSslCertificate &certificate,
                             const QString &peer, QString *text);
/// Client side, after a handshake: checks a pinned fingerprint (true when none is set or it matches).
bool checkPinnedCertificate(const TlsClientOptions &tls, const QSslCertificate &certificate, const QString &peer, QString *text);
/// How long a server waits for a WebSocket upgrade or RawSocket handshake.
inline constexpr int kServerHandshakeTimeoutMs = 10000;
/// How long a graceful close may take before the socket is aborted.
inline constexpr int kCloseTimeoutMs = 5000;
/// Accept backlog: Qt's default of 30 silently drops connections arriving in a burst.
inline constexpr int kMaxPendingConnections = 10000;
/// listen() backlog of our TCP servers (the kernel caps it at net.core.somaxconn).
inline constexpr int kListenBacklog = 1024;

} // namespace detail
} // namespace wb::transport
