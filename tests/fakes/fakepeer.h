// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A scripted fake WAMP client for router tests: connects with transport::connectTo(), sends Messages (or
// arbitrary values / raw bytes, to provoke protocol violations) and records everything it receives.
// All waits are condition-based (QTest::qWaitFor), never fixed sleeps.

#include "codec/serializer.h"
#include "transport/transport.h"
#include "wamp/ids.h"
#include "wamp/message.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <optional>

namespace wb::testing {

class FakePeer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakePeer)
public:
    explicit FakePeer(QObject *parent = nullptr);
    ~FakePeer() override;

    /// Connect and wait until the transport is open. False (with errorString()) on failure.
    bool connectTo(const QUrl &url, codec::SerializerId serializer = codec::SerializerId::Json,
                   qint64 maxMessageSize = transport::kDefaultMaxMessageSize, int timeoutMs = 5000);
    QString errorString() const { return m_error; }
    transport::Transport *transport() const { return m_transport; }
    codec::SerializerId serializerId() const { return m_serializer; }

    /// Roles with the features a modern Autobahn client announces (those the router cares about).
    static wamp::Dict defaultRoles();
    /// HELLO with \a details (roles added when absent), wait for WELCOME/ABORT/CHALLENGE. Returns that message.
    std::optional<wamp::Message> hello(const QString &realm, wamp::Dict details = {}, int timeoutMs = 5000);
    /// hello() and expect WELCOME; returns the session ID (0 on failure, with the reason in errorString()).
    quint64 join(const QString &realm, wamp::Dict details = {});
    quint64 sessionId() const { return m_sessionId; }

    void send(const wamp::Message &message);
    void sendValue(const wamp::Value &value);
    void sendRaw(const QByteArray &bytes);
    quint64 nextRequestId() { return m_requests.next(); }

    /// Next unread message of \a type (earlier messages of other types stay unread). nullopt on timeout.
    std::optional<wamp::Message> waitFor(wamp::MessageType type, int timeoutMs = 5000);
    /// Next unread message whatever its type.
    std::optional<wamp::Message> next(int timeoutMs = 5000);
    /// Unread messages of \a type, without waiting.
    int pending(wamp::MessageType type) const;
    /// Is there an unread message now (any type)?
    bool hasUnread() const { return !m_unread.isEmpty(); }
    /// Every message received so far, in order.
    const QList<wamp::Message> &received() const { return m_received; }
    /// Undecodable messages received (should stay empty).
    int undecodable() const { return m_undecodable; }

    bool isClosed() const { return m_closed; }
    bool waitClosed(int timeoutMs = 5000);
    QString closeReason() const { return m_closeReason; }
    QString transportError() const { return m_transportError; }

    // ---- request helpers: send and wait for the reply; return the reply (or ERROR) ----
    std::optional<wamp::Message> subscribe(const QString &topic, const wamp::Dict &options = {});
    std::optional<wamp::Message> register_(const QString &procedure, const wamp::Dict &options = {});
    /// Wait for the reply that echoes \a request (for types in \a types, or ERROR).
    std::optional<wamp::Message> waitReply(quint64 request, QList<wamp::MessageType> types, int timeoutMs = 5000);

    /// Round-trip barrier for "nothing arrives" checks: CALL wamp.session.count and wait for its RESULT (or ERROR,
    /// where the realm denies or lacks the meta API: still one round trip). The router is single-threaded and each
    /// transport keeps order, so once the reply is here, everything the router sent this peer before handling the
    /// CALL has arrived too. To cover another peer's action, let that action be acknowledged (or call that peer's
    /// barrier()) first. The reply is consumed; other unread messages stay unread.
    bool barrier(int timeoutMs = 5000);

    void goodbye(const QString &reason = QStringLiteral("wamp.close.close_realm"));
    void close();
    void abortTransport();

signals:
    void messageArrived(const wb::wamp::Message &message);

private:
    void onMessage(const QByteArray &bytes);

    QPointer<transport::Transport> m_transport;
    codec::SerializerId m_serializer = codec::SerializerId::Json;
    QList<wamp::Message> m_received;
    QList<wamp::Message> m_unread;
    int m_undecodable = 0;
    bool m_opened = false;
    bool m_closed = false;
    QString m_closeReason;
    QString m_transportError;
    QString m_error;
    quint64 m_sessionId = 0;
    wamp::RequestIdSequence m_requests;
};

} // namespace wb::testing
