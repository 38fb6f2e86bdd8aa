// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One RouterSession per accepted connection: bytes -> Value -> Message::fromValue -> checkReceivable ->
// dispatch. Runs the router side of the session state machine (HELLO, CHALLENGE/AUTHENTICATE, WELCOME,
// GOODBYE both ways, ABORT) and turns every protocol violation into ABORT + close.
//
// Teardown is two-phase so that broker/dealer loops never see a session vanish under them:
// terminate() marks the session dead and closes the transport at once; the realm cleanup and sessionLeft run
// from a queued call; the object is deleted once the transport has reported closed() (so an ABORT or
// GOODBYE queued just before the close still reaches the peer).

#include "authenticators/authenticator.h"
#include "codec/serializer.h"
#include "router.h"
#include "wamp/ids.h"
#include "wamp/message.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>

namespace wb::router {

class Realm;

class RouterSession : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterSession)
public:
    RouterSession(Router &router, transport::Transport *transport);
    ~RouterSession() override;

    quint64 id() const { return m_info.id; }
    const SessionInfo &info() const { return m_info; }
    /// WELCOME sent and not leaving: may receive EVENT/INVOCATION/RESULT.
    bool isEstablished() const { return m_state == State::Established; }
    codec::SerializerId serializerId() const;
    const codec::Serializer *serializer() const;
    /// Did the client announce roles.<role>.features.<feature> = true in HELLO?
    bool hasFeature(const QString &role, const QString &feature) const;

    /// INVOCATION request IDs: sequential per callee session.
    quint64 nextInvocationId() { return m_invocationIds.next(); }
    quint64 lastInvocationId() const { return m_invocationIds.last(); }

    /// Bytes queued on the transport, not yet written to the socket.
    qint64 queuedBytes() const;

    enum class SendResult { Sent, TooLarge, Closed };
    SendResult send(const wamp::Message &message);
    /// Send bytes already encoded with this session's serializer (shared EVENT bytes).
    SendResult sendEncoded(const QByteArray &bytes);

    /// ABORT wamp.error.protocol_violation {message: reason}, cleanup, close.
    void protocolViolation(const QString &reason);
    /// Router shutdown: GOODBYE to established sessions (then wait for the reply), ABORT to joining ones.
    void shutdown(const QString &reason, const QString &message);
    /// wamp.session.kill*: GOODBYE(reason, {message}); the connection is closed if no reply comes within 2 s.
    void kill(const QString &reason, const QString &message);
    /// Close without further ado (shutdown grace period over).
    void forceClose(const QString &reason);

private:
    enum class State { AwaitHello, Authenticating, Established, ShuttingDown, Dead };
    enum class CloseMode { Graceful, Abort, AlreadyClosed };

    void onMessage(const QByteArray &bytes);
    void onTransportError(const QString &text);
    void onTransportClosed(const QString &reason);
    void onAuthTimeout();

    void handleHello(const wamp::Message &m);
    void handleAuthenticate(const wamp::Message &m);
    void handleEstablished(const wamp::Message &m);
    void dispatchEstablished(const wamp::Message &m);
    /// Authorization of CALL/REGISTER/PUBLISH/SUBSCRIBE (authorizer.h): nullopt when denied (answered with
    /// ERROR not_authorized, or dropped and logged for an unacknowledged PUBLISH); otherwise the message to
    /// dispatch, with disclose_me forced when the permission says so.
    std::optional<wamp::Message> authorizeRequest(const wamp::Message &m);
public:
    /// During dispatch of the current request: its disclose_me comes from a role permission (disclose.caller /
    /// disclose.publisher), not from the client.
    bool disclosureForcedByRole() const { return m_disclosureForced; }
private:
    /// ABORT reason when joining would exceed max_sessions (router or realm); empty when fine.
    QString sessionLimitProblem() const;
    void applyAuthStep(const auth::AuthStep &step);
    void establish(const auth::AuthStep &step);
    /// ABORT with \a reason (before or after WELCOME), log, terminate.
    void abortSession(const QString &reason, const QString &message, bool log = true);
    /// Send ignoring the Dead state check (ABORT/GOODBYE right before closing).
    void sendFinal(const wamp::Message &message);
    void terminate(const QString &reason, CloseMode mode);
    void finalize();
    void maybeDelete();
    QString label() const;

    Router &m_router;
    transport::Transport *m_transport = nullptr;
    State m_state = State::AwaitHello;
    SessionInfo m_info;
    Realm *m_realm = nullptr;
    bool m_attached = false;
    bool m_joined = false;
    bool m_finalized = false;
    bool m_transportClosed = false;
    bool m_deleting = false;
    QString m_leaveReason;
    QString m_transportErrorText;
    wamp::Dict m_roles;
    std::unique_ptr<auth::Authenticator> m_authenticator;
    QTimer m_authTimer;
    wamp::RequestIdSequence m_invocationIds;
    /// CALL request IDs dispatched and not yet answered with a final RESULT or ERROR (max_pending_calls).
    QSet<quint64> m_pendingCalls;
    /// Set while dispatching a request whose disclose_me was added by a role permission (authorizeRequest).
    bool m_disclosureForced = false;
};

} // namespace wb::router
