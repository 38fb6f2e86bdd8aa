// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The client side of a WAMP session (wamp-notes §5, §10, §16.2): HELLO/CHALLENGE/AUTHENTICATE/WELCOME,
// GOODBYE both ways, ABORT, and the four client roles. Results come back through per-request callbacks;
// every message in and out is also emitted as a signal so that capture and the traffic log can observe it.

#include "transport/transport.h"
#include "wamp/errors.h"
#include "wamp/ids.h"
#include "wamp/message.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>

namespace wb::session {

/// An error as a WAMP peer reports it: URI + args + kwargs (+ details).
struct WampError
{
    QString uri;
    wamp::List args;
    wamp::Dict kwargs;
    wamp::Dict details;
    /// "wamp.error.no_such_procedure: no callee registered ..." for humans
    QString toString() const;
};

/// Client-local error URIs (never sent on the wire).
inline const QString kSessionLost = QStringLiteral("wampscope.error.session_lost");
inline const QString kRequestTimeout = QStringLiteral("wampscope.error.request_timeout");

struct ClientAuth
{
    QString method = QStringLiteral("anonymous"); ///< anonymous | ticket | wampcra | cryptosign | scram
    QString authid;   ///< required for ticket, wampcra, scram; optional for cryptosign
    QString authrole;
    QString secret;   ///< ticket, WAMP-CRA secret or SCRAM password; never logged
    QByteArray privateKey; ///< cryptosign: the 32-byte Ed25519 seed; never logged
};

struct SessionOptions
{
    QString realm = QStringLiteral("realm1");
    ClientAuth auth;
    QString agent = QStringLiteral("Wampscope/" WAMPSCOPE_VERSION);
    int goodbyeTimeoutMs = 2000;
};

struct EventData
{
    quint64 subscription = 0;
    quint64 publication = 0;
    QString topic; ///< details.topic for pattern subscriptions, else the subscribed topic
    wamp::Dict details;
    wamp::List args;
    wamp::Dict kwargs;
};

struct InvocationData
{
    quint64 requestId = 0;
    quint64 registration = 0;
    QString procedure; ///< details.procedure for pattern registrations, else the registered URI
    wamp::Dict details;
    wamp::List args;
    wamp::Dict kwargs;
    /// Progressive call invocation (wamp-notes §11.2): details.progress, more input chunks follow.
    bool progress = false;
    /// A further input chunk of an invocation already delivered (same requestId).
    bool continuation = false;
};

struct CallResult
{
    wamp::List args;
    wamp::Dict kwargs;
    wamp::Dict details;
    bool progress = false; ///< a progressive result; more will follow
};

class Session : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)
public:
    enum class State { Disconnected, Connecting, Establishing, Authenticating, Established, ShuttingDown, Closed };
    Q_ENUM(State)

    using ErrorHandler = std::function<void(const WampError &)>;
    using ResultHandler = std::function<void(const CallResult &)>;
    using IdHandler = std::function<void(quint64)>;
    using EventHandler = std::function<void(const EventData &)>;
    using InvocationHandler = std::function<void(const InvocationData &)>;
    using InterruptHandler = std::function<void(quint64 invocationRequestId, const QString &mode)>;

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    /// Connect a transport for \a connect.url and join \a options.realm. Progress through stateChanged(),
    /// then joined() or left().
    void open(const transport::ConnectOptions &connect, const SessionOptions &options);
    /// Join over an already open transport (ownership is taken).
    void attach(transport::Transport *transport, const SessionOptions &options);
    /// GOODBYE; the session closes when the router replies (or after goodbyeTimeoutMs).
    void leave(const QString &reason = wamp::uris::closeCloseRealm, const QString &message = QString());
    /// Drop the connection without GOODBYE.
    void disconnectNow(const QString &reason);

    State state() const { return m_state; }
    static QString stateName(State s);
    bool isJoined() const { return m_state == State::Established; }
    quint64 sessionId() const { return m_sessionId; }
    const wamp::Dict &welcomeDetails() const { return m_welcomeDetails; }
    QString realm() const { return m_options.realm; }
    transport::Transport *transport() const { return m_transport; }
    /// Was a feature announced by the router (role "broker" or "dealer")?
    bool routerHasFeature(const QString &role, const QString &feature) const;

    // ---- requests; each returns its request ID (0 if not joined: onError is called with kSessionLost) ----
    quint64 call(const QString &procedure, const wamp::List &args, const wamp::Dict &kwargs, const wamp::Dict &options,
                 ResultHandler onResult, ErrorHandler onError);
    /// Progressive call invocations: start the call with options.progress = true, then send further input chunks with
    /// the same request ID; \a more = false sends the final chunk. False when the call is no longer pending (finished,
    /// canceled) or was not started as a stream.
    bool sendCallChunk(quint64 callRequestId, const wamp::List &args = {}, const wamp::Dict &kwargs = {}, bool more = true);
    /// CANCEL a pending call (mode skip | kill | killnowait).
    void cancel(quint64 callRequestId, const QString &mode = QStringLiteral("killnowait"));
    /// Without options.acknowledge no reply comes: onPublished is called at once with 0.
    quint64 publish(const QString &topic, const wamp::List &args, const wamp::Dict &kwargs, const wamp::Dict &options,
                    IdHandler onPublished = {}, ErrorHandler onError = {});
    quint64 subscribe(const QString &topic, const wamp::Dict &options, EventHandler onEvent, IdHandler onSubscribed,
                      ErrorHandler onError);
    quint64 unsubscribe(quint64 subscriptionId, IdHandler onDone = {}, ErrorHandler onError = {});
    quint64 registerProcedure(const QString &procedure, const wamp::Dict &options, InvocationHandler onInvocation,
                              IdHandler onRegistered, ErrorHandler onError, InterruptHandler onInterrupt = {});
    quint64 unregister(quint64 registrationId, IdHandler onDone = {}, ErrorHandler onError = {});

    /// Answer an INVOCATION. options.progress=true for a progressive result.
    void yield(quint64 invocationRequestId, const wamp::List &args = {}, const wamp::Dict &kwargs = {},
               const wamp::Dict &options = {});
    void yieldError(quint64 invocationRequestId, const QString &errorUri, const wamp::List &args = {},
                    const wamp::Dict &kwargs = {});

    int pendingRequestCount() const { return int(m_pending.size()); }

signals:
    void stateChanged(wb::session::Session::State state);
    void joined(quint64 sessionId, const wb::wamp::Dict &details);
    /// The session ended: GOODBYE, ABORT, protocol error or transport loss. \a reason is a URI or
    /// "transport.closed" ("transport.tls" when the TLS handshake failed or the certificate was rejected,
    /// "transport.invalid_url" for a bad URL); \a message explains.
    void left(const QString &reason, const QString &message);
    /// Raw traffic, for capture and logs.
    void messageSent(const wb::wamp::Message &message, const QByteArray &bytes);
    void messageReceived(const wb::wamp::Message &message, const QByteArray &bytes);
    /// An incoming message broke the protocol (the session is ABORTed).
    void protocolViolation(const QString &reason, const QByteArray &bytes);

private:
    struct Pending
    {
        wamp::MessageType kind;
        QString uri;
        ResultHandler onResult;
        IdHandler onId;
        ErrorHandler onError;
        EventHandler onEvent;
        InvocationHandler onInvocation;
        InterruptHandler onInterrupt;
        wamp::Dict options;
    };
    struct Subscription
    {
        QString topic;
        QList<EventHandler> handlers;
    };
    struct Registration
    {
        QString procedure;
        InvocationHandler onInvocation;
        InterruptHandler onInterrupt;
    };

    void setState(State s);
    void sendHello();
    bool send(const wamp::Message &m);
    void onBytes(const QByteArray &bytes);
    void handle(const wamp::Message &m);
    void handleChallenge(const wamp::Message &m);
    void failAuthentication(const QString &reason);
    /// SCRAM: the router must prove it knows the ServerKey (WELCOME.authextra.scram_server_signature).
    QString scramWelcomeProblem(const wamp::Dict &welcomeDetails) const;
    void handleError(const wamp::Message &m);
    void violation(const QString &reason, const QByteArray &bytes = {});
    void finish(const QString &reason, const QString &message);
    quint64 nextRequest() { return m_requestIds.next(); }
    void failRequest(const ErrorHandler &h, const QString &reason);
    /// The invocation was answered: late input chunks for it are dropped.
    void endInputStream(quint64 invocationRequestId);

    QPointer<transport::Transport> m_transport;
    SessionOptions m_options;
    State m_state = State::Disconnected;
    quint64 m_sessionId = 0;
    wamp::Dict m_welcomeDetails;
    // SCRAM state between HELLO and WELCOME (the router's signature is checked on WELCOME).
    QString m_scramClientNonce;
    QByteArray m_scramAuthMessage;
    QByteArray m_scramSaltedPassword;
    wamp::RequestIdSequence m_requestIds;
    QHash<quint64, Pending> m_pending;          // request id -> pending request
    QHash<quint64, Subscription> m_subscriptions;
    QHash<quint64, Registration> m_registrations;
    QHash<quint64, quint64> m_invocations;      // invocation request id -> registration id (open invocations)
    QSet<quint64> m_inputStreams;               // open invocations whose caller still sends input chunks
    QList<quint64> m_recentStreams;             // answered invocations whose input was still open (late chunks dropped)
    QSet<quint64> m_outputStreams;              // our calls started with progress=true whose input is still open
    QTimer m_goodbyeTimer;
    bool m_finished = false;
};

} // namespace wb::session
