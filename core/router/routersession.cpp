// SPDX-License-Identifier: GPL-3.0-or-later
#include "routersession.h"

#include "broker.h"
#include "dealer.h"
#include "realm.h"
#include "routerlogging.h"
#include "codec/messagecodec.h"
#include "codec/serializer.h"
#include "transport/transport.h"
#include "wamp/errors.h"
#include "wamp/uri.h"

namespace wb::router {

using namespace wb::wamp;

namespace {

const QStringList &clientRoleNames()
{
    static const QStringList names = {QStringLiteral("publisher"), QStringLiteral("subscriber"),
                                      QStringLiteral("caller"), QStringLiteral("callee")};
    return names;
}

/// HELLO.Details.roles checks (wamp-notes §5.2, §17.3). Empty string when fine.
QString rolesProblem(const Dict &details)
{
    const auto it = details.constFind(QStringLiteral("roles"));
    if (it == details.constEnd())
        return QStringLiteral("HELLO.Details.roles is missing");
    const Dict *roles = it->dictPtr();
    if (!roles)
        return QStringLiteral("HELLO.Details.roles must be a dict, got %1").arg(it->kindName());
    if (roles->isEmpty())
        return QStringLiteral("HELLO.Details.roles must not be empty");
    for (auto r = roles->constBegin(); r != roles->constEnd(); ++r) {
        if (!clientRoleNames().contains(r.key()))
            return QStringLiteral("HELLO.Details.roles has unknown role \"%1\" (allowed: publisher, subscriber, caller, callee)")
                .arg(r.key());
        const Dict *role = r->dictPtr();
        if (!role)
            return QStringLiteral("HELLO.Details.roles.%1 must be a dict, got %2").arg(r.key(), r->kindName());
        const auto f = role->constFind(QStringLiteral("features"));
        if (f == role->constEnd())
            continue;
        const Dict *features = f->dictPtr();
        if (!features)
            return QStringLiteral("HELLO.Details.roles.%1.features must be a dict, got %2").arg(r.key(), f->kindName());
        for (auto feat = features->constBegin(); feat != features->constEnd(); ++feat) {
            if (!feat->isBool())
                return QStringLiteral("HELLO.Details.roles.%1.features.%2 must be a boolean, got %3")
                    .arg(r.key(), feat.key(), feat->toDebugString());
        }
    }
    return {};
}

/// ABORT reason for a HELLO beyond max_sessions (not in the spec; Crossbar has no such limit).
const QString kLimitExceeded = QStringLiteral("wamp.error.limit_exceeded");

QString agentString()
{
    return QStringLiteral("Wampscope " WAMPSCOPE_VERSION);
}

} // namespace

RouterSession::RouterSession(Router &router, transport::Transport *transport)
    : QObject(&router), m_router(router), m_transport(transport)
{
    m_transport->setParent(this);
    m_info.transport = m_transport->kind();
    m_info.peer = m_transport->peerAddress();
    if (const codec::Serializer *ser = m_transport->serializer())
        m_info.serializer = ser->name();
    connect(m_transport, &transport::Transport::messageReceived, this, &RouterSession::onMessage);
    connect(m_transport, &transport::Transport::errorOccurred, this,
            [this](transport::TransportError, const QString &text) { onTransportError(text); });
    connect(m_transport, &transport::Transport::closed, this, &RouterSession::onTransportClosed);

    // HELLO and authentication must complete in time: a silent or stalled client must not hold resources.
    m_authTimer.setSingleShot(true);
    m_authTimer.setInterval(router.config().authTimeoutMs);
    connect(&m_authTimer, &QTimer::timeout, this, &RouterSession::onAuthTimeout);
    m_authTimer.start();

    if (m_transport->state() == transport::Transport::State::Closed) {
        m_transportClosed = true;
        QMetaObject::invokeMethod(this, [this] { terminate(QStringLiteral("transport closed"), CloseMode::AlreadyClosed); },
                                  Qt::QueuedConnection);
    }
}

RouterSession::~RouterSession()
{
    if (m_transport) {
        m_transport->disconnect(this);
        delete m_transport;
    }
    // ~Router deletes unfinished sessions itself; nothing here may call back into the router.
}

codec::SerializerId RouterSession::serializerId() const
{
    return m_transport->serializerId();
}

const codec::Serializer *RouterSession::serializer() const
{
    return m_transport->serializer();
}

bool RouterSession::hasFeature(const QString &role, const QString &feature) const
{
    const Value features = m_roles.value(role).value(QStringLiteral("features"));
    return features.value(feature).toBool();
}

QString RouterSession::label() const
{
    return m_info.id ? QStringLiteral("%1 (session %2)").arg(m_info.peer).arg(m_info.id) : m_info.peer;
}

qint64 RouterSession::queuedBytes() const
{
    return m_transport && m_transport->isOpen() ? m_transport->bytesToWrite() : 0;
}

RouterSession::SendResult RouterSession::send(const Message &message)
{
    const codec::Serializer *ser = serializer();
    if (!ser || m_state == State::Dead || m_state == State::ShuttingDown)
        return SendResult::Closed;
    const SendResult result = sendEncoded(ser->encode(message.toValue()));
    if (result == SendResult::Sent && !m_pendingCalls.isEmpty()) {
        // The final answer to a CALL (max_pending_calls bookkeeping).
        const bool finalResult = message.type() == MessageType::Result
                                 && !message.dict().value(QStringLiteral("progress")).toBool();
        const bool callError = message.type() == MessageType::Error && message.at(1).toInt64().value_or(0) == qint64(MessageType::Call);
        if (finalResult || callError)
            m_pendingCalls.remove(message.requestId());
    }
    return result;
}

RouterSession::SendResult RouterSession::sendEncoded(const QByteArray &bytes)
{
    if (m_state == State::Dead || m_state == State::ShuttingDown)
        return SendResult::Closed;
    const qint64 queued = m_transport->bytesToWrite();
    if (queued > m_router.config().maxOutboundQueueBytes) {
        // An ABORT would only queue behind the stuck data: cut the connection.
        const QString text = QStringLiteral("session %1 dropped: slow consumer (%2 bytes queued)").arg(m_info.id).arg(queued);
        m_router.log(text);
        terminate(QStringLiteral("slow consumer (%1 bytes queued)").arg(queued), CloseMode::Abort);
        return SendResult::Closed;
    }
    if (bytes.size() > m_transport->maxOutgoingMessageSize())
        return SendResult::TooLarge;
    return m_transport->send(bytes) ? SendResult::Sent : SendResult::Closed;
}

void RouterSession::sendFinal(const Message &message)
{
    const codec::Serializer *ser = serializer();
    if (!ser || !m_transport->isOpen())
        return;
    const QByteArray bytes = ser->encode(message.toValue());
    if (m_transport->bytesToWrite() <= m_router.config().maxOutboundQueueBytes)
        m_transport->send(bytes);
}

void RouterSession::onMessage(const QByteArray &bytes)
{
    if (m_state == State::Dead)
        return; // nothing further is processed from a failed peer
    const codec::Serializer *ser = serializer();
    if (!ser)
        return protocolViolation(QStringLiteral("no serializer negotiated"));
    codec::DecodeFailure failure = codec::DecodeFailure::None;
    const Result<Message> msg = codec::decodeMessage(*ser, bytes, &failure);
    if (!msg.ok()) {
        const bool undecodable = failure == codec::DecodeFailure::Undecodable;
        if (m_state == State::ShuttingDown)
            return terminate(undecodable ? QStringLiteral("undecodable message while shutting down")
                                         : QStringLiteral("malformed message while shutting down"),
                             CloseMode::Graceful);
        return protocolViolation(undecodable ? QStringLiteral("could not decode %1 message: %2").arg(ser->name(), msg.errorString())
                                             : msg.errorString());
    }
    const Message &m = *msg;

    if (m_state == State::ShuttingDown) {
        // We sent GOODBYE: everything but the reply (or an ABORT) is dropped (wamp-notes §5.1).
        if (m.type() == MessageType::Goodbye || m.type() == MessageType::Abort)
            terminate(m_leaveReason, CloseMode::Graceful);
        return;
    }

    SessionPhase phase = SessionPhase::Closed;
    switch (m_state) {
    case State::AwaitHello: phase = SessionPhase::Closed; break;
    case State::Authenticating: phase = SessionPhase::Establishing; break;
    case State::Established: phase = SessionPhase::Established; break;
    case State::ShuttingDown:
    case State::Dead: return;
    }
    const Status ok = m.checkReceivable(Sender::Client, phase);
    if (!ok.ok())
        return protocolViolation(ok.errorString());

    switch (m_state) {
    case State::AwaitHello: return handleHello(m);
    case State::Authenticating:
        if (m.type() == MessageType::Abort) {
            m_router.log(QStringLiteral("%1 aborted the handshake: %2").arg(label(), m.uri()));
            return terminate(m.uri(), CloseMode::Graceful);
        }
        return handleAuthenticate(m);
    case State::Established: return handleEstablished(m);
    case State::ShuttingDown:
    case State::Dead: return;
    }
}

void RouterSession::handleHello(const Message &m)
{
    const Value realmValue = m.at(1);
    const Dict details = m.dict();
    if (!realmValue.isString())
        return abortSession(uris::noSuchRealm, QStringLiteral("HELLO must name a realm"));
    const QString realmName = realmValue.toString();
    const QString uriProblemText = uriProblem(realmName);
    if (!uriProblemText.isEmpty())
        return abortSession(uris::invalidUri, QStringLiteral("invalid realm: %1").arg(uriProblemText));

    const QString problem = rolesProblem(details);
    if (!problem.isEmpty())
        return protocolViolation(problem);
    auth::HelloInfo hello;
    hello.realm = realmName;
    if (details.contains(QStringLiteral("authmethods"))) {
        const Value methods = details.value(QStringLiteral("authmethods"));
        if (!methods.isList())
            return protocolViolation(QStringLiteral("HELLO.Details.authmethods must be a list of strings, got %1")
                                         .arg(methods.kindName()));
        for (const Value &v : methods.toList()) {
            if (!v.isString())
                return protocolViolation(QStringLiteral("HELLO.Details.authmethods must be a list of strings, got %1")
                                             .arg(v.toDebugString()));
            hello.authmethods.append(v.toString());
        }
    }
    if (details.contains(QStringLiteral("authid"))) {
        const Value authid = details.value(QStringLiteral("authid"));
        if (!authid.isString())
            return protocolViolation(QStringLiteral("HELLO.Details.authid must be a string, got %1").arg(authid.kindName()));
        hello.authid = authid.toString();
    }
    if (details.contains(QStringLiteral("authextra"))) {
        const Value authextra = details.value(QStringLiteral("authextra"));
        if (!authextra.isDict())
            return protocolViolation(QStringLiteral("HELLO.Details.authextra must be a dict, got %1").arg(authextra.kindName()));
        hello.authextra = authextra.toDict();
    }
    m_roles = details.value(QStringLiteral("roles")).toDict();

    Realm *realm = m_router.realmFor(realmName);
    if (!realm)
        return abortSession(uris::noSuchRealm, QStringLiteral("no realm named %1").arg(realmName));
    m_realm = realm;
    const QString limit = sessionLimitProblem();
    if (!limit.isEmpty())
        return abortSession(kLimitExceeded, limit);
    m_info.realm = realmName;
    m_info.id = m_router.allocateSessionId();
    hello.sessionId = m_info.id;

    auth::AuthStep failure;
    m_authenticator = auth::selectAuthenticator(hello, realm->config(), m_router.config().users, &failure);
    if (!m_authenticator)
        return applyAuthStep(failure);
    m_state = State::Authenticating;
    applyAuthStep(m_authenticator->start());
}

void RouterSession::handleAuthenticate(const Message &m)
{
    if (!m_authenticator)
        return protocolViolation(QStringLiteral("AUTHENTICATE without a CHALLENGE"));
    applyAuthStep(m_authenticator->authenticate(m.at(1).toString(), m.dict()));
}

void RouterSession::applyAuthStep(const auth::AuthStep &step)
{
    switch (step.kind) {
    case auth::AuthStep::Kind::Welcome: return establish(step);
    case auth::AuthStep::Kind::Challenge:
        m_state = State::Authenticating;
        send(step.challenge);
        return;
    case auth::AuthStep::Kind::Abort:
        m_router.log(QStringLiteral("authentication failed for %1 on realm %2: %3 (%4)")
                         .arg(label(), m_info.realm, step.message, step.reason));
        return abortSession(step.reason, step.message, false);
    }
}

QString RouterSession::sessionLimitProblem() const
{
    const int routerMax = m_router.config().maxSessions;
    if (routerMax > 0 && m_router.sessionCount() >= routerMax)
        return QStringLiteral("the router has reached its limit of %1 sessions (max_sessions)").arg(routerMax);
    const int realmMax = m_realm ? m_realm->config().maxSessions : 0;
    if (realmMax > 0 && m_realm->sessionCount() >= realmMax)
        return QStringLiteral("realm %1 has reached its limit of %2 sessions (max_sessions)").arg(m_realm->name()).arg(realmMax);
    return {};
}

void RouterSession::establish(const auth::AuthStep &step)
{
    if (!m_realm->authorizer().hasRole(step.authrole)) {
        // As Crossbar: an authenticated role that the realm does not define cannot join.
        return abortSession(uris::noSuchRole, QStringLiteral("authrole \"%1\" (authid %2) is not defined on realm %3")
                                                  .arg(step.authrole, step.authid, m_info.realm));
    }
    const QString limit = sessionLimitProblem(); // others may have joined during the authentication
    if (!limit.isEmpty())
        return abortSession(kLimitExceeded, limit);
    m_authTimer.stop();
    m_authenticator.reset();
    m_info.authid = step.authid;
    m_info.authrole = step.authrole;
    m_info.authmethod = step.authmethod;
    m_info.authprovider = step.authprovider;
    m_state = State::Established;
    m_realm->attach(this);
    m_attached = true;
    m_joined = true;

    Dict details{
        {QStringLiteral("realm"), m_info.realm},
        {QStringLiteral("authid"), m_info.authid},
        {QStringLiteral("authrole"), m_info.authrole},
        {QStringLiteral("authmethod"), m_info.authmethod},
        {QStringLiteral("authprovider"), m_info.authprovider},
        {QStringLiteral("agent"), agentString()},
        {QStringLiteral("roles"),
         Dict{{QStringLiteral("broker"), Dict{{QStringLiteral("features"), Broker::features()}}},
              {QStringLiteral("dealer"), Dict{{QStringLiteral("features"), Dealer::features()}}}}},
    };
    if (!step.authextra.isEmpty())
        details.insert(QStringLiteral("authextra"), step.authextra);
    send(Message::welcome(m_info.id, details));
    m_router.sessionEstablished(this);
}

void RouterSession::handleEstablished(const Message &m)
{
    if (m.type() == MessageType::Call) {
        const int cap = m_router.config().maxPendingCalls;
        if (cap > 0 && m_pendingCalls.size() >= cap && !m_pendingCalls.contains(m.requestId())) {
            // A caller whose calls are never answered must not grow the dealer's tables without bound.
            m_router.log(QStringLiteral("session %1: CALL %2 refused: %3 calls pending (max_pending_calls)")
                             .arg(m_info.id)
                             .arg(m.requestId())
                             .arg(m_pendingCalls.size()));
            send(Message::error(MessageType::Call, m.requestId(), {}, kLimitExceeded,
                                {QStringLiteral("too many pending calls (max_pending_calls is %1)").arg(cap)}));
            return;
        }
        m_pendingCalls.insert(m.requestId());
    }
    switch (m.type()) {
    case MessageType::Publish:
    case MessageType::Subscribe:
    case MessageType::Call:
    case MessageType::Register:
        if (m_realm->authorizer().isEnabled()) {
            const std::optional<Message> allowed = authorizeRequest(m);
            if (allowed)
                dispatchEstablished(*allowed);
            m_disclosureForced = false;
            break;
        }
        dispatchEstablished(m);
        break;
    default: dispatchEstablished(m); break;
    }
    if (m.type() == MessageType::Call && m_state == State::Established && m_realm
        && !m_realm->dealer().hasPendingCall(m_info.id, m.requestId())) {
        // Answered at once (meta procedure, error) or dropped by the dealer (a late progressive-invocation chunk):
        // nothing is pending for it, so it must not count against max_pending_calls.
        m_pendingCalls.remove(m.requestId());
    }
}

std::optional<Message> RouterSession::authorizeRequest(const Message &m)
{
    Authorizer::Action action = Authorizer::Action::Call;
    MatchPolicy policy = MatchPolicy::Exact;
    const Dict options = m.dict();
    switch (m.type()) {
    case MessageType::Call: action = Authorizer::Action::Call; break;
    case MessageType::Publish: action = Authorizer::Action::Publish; break;
    case MessageType::Subscribe:
    case MessageType::Register: {
        action = m.type() == MessageType::Subscribe ? Authorizer::Action::Subscribe : Authorizer::Action::Register;
        const Value match = options.value(QStringLiteral("match"));
        const std::optional<MatchPolicy> parsed = match.isString() ? parseMatchPolicy(match.toString()) : std::nullopt;
        if (!match.isNull() && !parsed)
            return m; // the broker/dealer answers the bad option
        policy = parsed.value_or(MatchPolicy::Exact);
        break;
    }
    default: return m;
    }
    // Malformed URIs get the broker's/dealer's invalid_uri first, as in Crossbar.
    if (!isValidUri(m.uri(), UriStrictness::Loose, emptyComponentsFor(policy)))
        return m;
    const Authorizer::Decision d = m_realm->authorizer().authorize(m_info.authrole, action, m.uri());
    if (!d.allowed) {
        const bool acknowledged = options.value(QStringLiteral("acknowledge")).toBool();
        if (m.type() != MessageType::Publish || acknowledged)
            send(Message::error(m.type(), m.requestId(), {}, uris::notAuthorized, {d.reason}));
        m_router.log(QStringLiteral("session %1 (authid %2): %3 denied: %4%5")
                         .arg(m_info.id)
                         .arg(m_info.authid, Message::typeName(m.type()), d.reason,
                              m.type() == MessageType::Publish && !acknowledged ? QStringLiteral(" (publication dropped)")
                                                                                 : QString()));
        return std::nullopt;
    }
    if (!d.disclose || options.value(QStringLiteral("disclose_me")).toBool())
        return m;
    // The permission forces caller/publisher disclosure: the broker/dealer see disclose_me, and the dealer learns
    // (disclosureForcedByRole()) that the role, not the caller, asked for it: a role permission wins over the realm's
    // disclose_caller "never", as in Crossbar.
    m_disclosureForced = true;
    List elements = m.elements();
    elements.removeFirst();
    Dict disclosed = options;
    disclosed.insert(QStringLiteral("disclose_me"), true);
    elements[1] = Value(disclosed);
    return Message::make(m.type(), elements);
}

void RouterSession::dispatchEstablished(const Message &m)
{
    switch (m.type()) {
    case MessageType::Goodbye:
        sendFinal(Message::goodbye({}, uris::closeGoodbyeAndOut));
        return terminate(m.uri(), CloseMode::Graceful);
    case MessageType::Abort:
        m_router.log(QStringLiteral("%1 aborted: %2").arg(label(), m.uri()));
        return terminate(m.uri(), CloseMode::Graceful);
    case MessageType::Publish: return m_realm->broker().onPublish(*this, m);
    case MessageType::Subscribe: return m_realm->broker().onSubscribe(*this, m);
    case MessageType::Unsubscribe: return m_realm->broker().onUnsubscribe(*this, m);
    case MessageType::Call: return m_realm->dealer().onCall(*this, m);
    case MessageType::Cancel: return m_realm->dealer().onCancel(*this, m);
    case MessageType::Register: return m_realm->dealer().onRegister(*this, m);
    case MessageType::Unregister: return m_realm->dealer().onUnregister(*this, m);
    case MessageType::Yield: return m_realm->dealer().onYield(*this, m);
    case MessageType::Error: return m_realm->dealer().onInvocationError(*this, m); // only ERROR(INVOCATION) passes
    default:
        // checkReceivable() lets only client messages valid in this phase through; keep a guard anyway.
        return protocolViolation(QStringLiteral("unexpected %1").arg(m.typeName()));
    }
}

void RouterSession::protocolViolation(const QString &reason)
{
    if (m_state == State::Dead)
        return;
    ++m_router.mutableStats().protocolViolations;
    m_router.log(QStringLiteral("protocol violation from %1 (session %2): %3").arg(m_info.peer).arg(m_info.id).arg(reason));
    sendFinal(Message::abort({{QStringLiteral("message"), reason}}, uris::protocolViolation));
    terminate(QStringLiteral("protocol violation: %1").arg(reason), CloseMode::Graceful);
}

void RouterSession::abortSession(const QString &reason, const QString &message, bool log)
{
    if (m_state == State::Dead)
        return;
    if (log)
        m_router.log(QStringLiteral("%1 refused: %2 (%3)").arg(label(), message, reason));
    sendFinal(Message::abort({{QStringLiteral("message"), message}}, reason));
    terminate(reason, CloseMode::Graceful);
}

void RouterSession::shutdown(const QString &reason, const QString &message)
{
    switch (m_state) {
    case State::Established:
        sendFinal(Message::goodbye({{QStringLiteral("message"), message}}, reason));
        m_state = State::ShuttingDown;
        m_leaveReason = reason;
        return;
    case State::AwaitHello:
    case State::Authenticating:
        sendFinal(Message::abort({{QStringLiteral("message"), message}}, reason));
        return terminate(reason, CloseMode::Graceful);
    case State::ShuttingDown:
    case State::Dead: return;
    }
}

void RouterSession::kill(const QString &reason, const QString &message)
{
    if (m_state != State::Established)
        return;
    m_router.log(QStringLiteral("%1 killed via the meta API: %2").arg(label(), reason));
    Dict details;
    if (!message.isEmpty())
        details.insert(QStringLiteral("message"), message);
    sendFinal(Message::goodbye(details, reason));
    m_state = State::ShuttingDown;
    m_leaveReason = reason;
    QTimer::singleShot(2000, this, [this] {
        if (m_state == State::ShuttingDown)
            terminate(m_leaveReason, CloseMode::Graceful);
    });
}

void RouterSession::forceClose(const QString &reason)
{
    terminate(reason, CloseMode::Graceful);
}

void RouterSession::onAuthTimeout()
{
    if (m_state != State::AwaitHello && m_state != State::Authenticating)
        return;
    const QString what = m_state == State::AwaitHello ? QStringLiteral("no HELLO within %1 ms")
                                                      : QStringLiteral("authentication not completed within %1 ms");
    abortSession(uris::authenticationFailed, what.arg(m_router.config().authTimeoutMs));
}

void RouterSession::onTransportError(const QString &text)
{
    m_transportErrorText = text;
    if (m_state != State::Dead)
        m_router.log(QStringLiteral("%1: transport error: %2").arg(label(), text));
}

void RouterSession::onTransportClosed(const QString &reason)
{
    m_transportClosed = true;
    if (m_state != State::Dead) {
        QString why = !m_transportErrorText.isEmpty() ? m_transportErrorText : reason;
        if (why.isEmpty())
            why = QStringLiteral("transport closed");
        terminate(QStringLiteral("transport lost: %1").arg(why), CloseMode::AlreadyClosed);
    }
    maybeDelete();
}

void RouterSession::terminate(const QString &reason, CloseMode mode)
{
    if (m_state == State::Dead)
        return;
    m_leaveReason = reason;
    m_state = State::Dead;
    m_authTimer.stop();
    m_authenticator.reset();
    // Realm cleanup and sessionLeft run from the event loop, never inside a broker/dealer loop.
    QMetaObject::invokeMethod(this, &RouterSession::finalize, Qt::QueuedConnection);
    switch (mode) {
    case CloseMode::Graceful: m_transport->close(reason); break;
    case CloseMode::Abort: m_transport->abort(); break;
    case CloseMode::AlreadyClosed: break;
    }
}

void RouterSession::finalize()
{
    if (m_finalized)
        return;
    m_finalized = true;
    if (m_attached && m_realm) {
        m_realm->detach(this);
        m_attached = false;
    }
    m_router.sessionFinished(this, m_joined, m_leaveReason);
    maybeDelete();
}

void RouterSession::maybeDelete()
{
    if (m_finalized && m_transportClosed && !m_deleting) {
        m_deleting = true;
        m_router.connectionGone(this);
        deleteLater();
    }
}

} // namespace wb::router
