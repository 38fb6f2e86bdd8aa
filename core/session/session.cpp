// SPDX-License-Identifier: GPL-3.0-or-later
// Session: lifecycle (open/attach, GOODBYE, finish), message I/O and the dispatcher of incoming messages.
// HELLO and authentication are in sessionauth.cpp, the client roles' requests in sessionroles.cpp.
#include "session.h"

#include "codec/messagecodec.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSession, "wb.session")

namespace wb::session {

using namespace wb::wamp;

namespace {
QString str(const char *s) { return QString::fromLatin1(s); }
} // namespace

QString WampError::toString() const
{
    QString s = uri;
    if (!args.isEmpty()) {
        const Value &first = args.first();
        s += QStringLiteral(": ") + (first.isString() ? first.toString() : Value(args).toDebugString());
    } else if (!kwargs.isEmpty()) {
        s += QStringLiteral(": ") + Value(kwargs).toDebugString();
    }
    return s;
}

Session::Session(QObject *parent) : QObject(parent)
{
    m_goodbyeTimer.setSingleShot(true);
    connect(&m_goodbyeTimer, &QTimer::timeout, this, [this] {
        finish(m_options.realm.isEmpty() ? QString() : uris::closeNormal,
               QStringLiteral("no GOODBYE reply within %1 ms").arg(m_options.goodbyeTimeoutMs));
    });
}

Session::~Session()
{
    if (m_transport) {
        m_transport->disconnect(this);
        m_transport->abort();
    }
}

QString Session::stateName(State s)
{
    switch (s) {
    case State::Disconnected: return QStringLiteral("disconnected");
    case State::Connecting: return QStringLiteral("connecting");
    case State::Establishing: return QStringLiteral("establishing");
    case State::Authenticating: return QStringLiteral("authenticating");
    case State::Established: return QStringLiteral("established");
    case State::ShuttingDown: return QStringLiteral("shutting down");
    case State::Closed: return QStringLiteral("closed");
    }
    return {};
}

void Session::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    emit stateChanged(s);
}

void Session::open(const transport::ConnectOptions &connect, const SessionOptions &options)
{
    m_options = options;
    QString error;
    transport::Transport *t = transport::connectTo(connect, this, &error);
    if (!t) {
        setState(State::Connecting);
        finish(QStringLiteral("transport.invalid_url"), error);
        return;
    }
    setState(State::Connecting);
    attach(t, options);
}

void Session::attach(transport::Transport *t, const SessionOptions &options)
{
    m_options = options;
    m_transport = t;
    m_finished = false;
    t->setParent(this);
    connect(t, &transport::Transport::messageReceived, this, &Session::onBytes);
    connect(t, &transport::Transport::closed, this, [this](const QString &reason) {
        const QString why = m_transport && !m_transport->errorString().isEmpty() ? m_transport->errorString() : reason;
        // a rejected certificate or failed handshake gets its own reason, so callers can tell it from a plain loss
        const bool tls = m_transport && m_transport->error() == transport::TransportError::TlsError;
        finish(tls ? QStringLiteral("transport.tls") : QStringLiteral("transport.closed"),
               why.isEmpty() ? QStringLiteral("connection closed") : why);
    });
    if (t->isOpen()) {
        sendHello();
    } else {
        setState(State::Connecting);
        connect(t, &transport::Transport::opened, this, &Session::sendHello);
    }
}

bool Session::send(const Message &m)
{
    if (!m_transport || !m_transport->isOpen())
        return false;
    const codec::Serializer *s = m_transport->serializer();
    if (!s)
        return false;
    const QByteArray bytes = codec::encodeMessage(*s, m);
    if (!m_transport->send(bytes)) {
        qCWarning(lcSession) << "could not send" << m.typeName() << "of" << bytes.size() << "bytes";
        return false;
    }
    emit messageSent(m, bytes);
    return true;
}

void Session::onBytes(const QByteArray &bytes)
{
    if (m_finished || !m_transport)
        return;
    const codec::Serializer *s = m_transport->serializer();
    Result<Message> m = codec::decodeMessage(*s, bytes);
    if (!m.ok()) {
        violation(m.errorString(), bytes);
        return;
    }
    emit messageReceived(*m, bytes);
    SessionPhase phase = SessionPhase::Establishing;
    switch (m_state) {
    case State::Established: phase = SessionPhase::Established; break;
    case State::ShuttingDown: phase = SessionPhase::ShuttingDown; break;
    default: break;
    }
    const Status st = m->checkReceivable(Sender::Router, phase);
    if (!st.ok()) {
        violation(st.errorString(), bytes);
        return;
    }
    handle(*m);
}

void Session::violation(const QString &reason, const QByteArray &bytes)
{
    qCWarning(lcSession) << "protocol violation by the router:" << reason;
    emit protocolViolation(reason, bytes);
    send(Message::abort(Dict{{str("message"), reason}}, uris::protocolViolation));
    finish(uris::protocolViolation, reason);
}

void Session::failRequest(const ErrorHandler &h, const QString &reason)
{
    if (h)
        h(WampError{kSessionLost, List{reason}, {}, {}});
}

void Session::finish(const QString &reason, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    m_goodbyeTimer.stop();
    const auto pending = std::exchange(m_pending, {});
    m_subscriptions.clear();
    m_registrations.clear();
    m_invocations.clear();
    m_inputStreams.clear();
    m_recentStreams.clear();
    m_outputStreams.clear();
    if (m_transport) {
        m_transport->disconnect(this);
        m_transport->close();
        m_transport->deleteLater();
        m_transport = nullptr;
    }
    m_sessionId = 0;
    setState(State::Closed);
    for (const Pending &p : pending)
        failRequest(p.onError, message.isEmpty() ? reason : message);
    emit left(reason, message);
}

void Session::leave(const QString &reason, const QString &message)
{
    if (m_state != State::Established) {
        disconnectNow(QStringLiteral("left before the session was established"));
        return;
    }
    Dict details;
    if (!message.isEmpty())
        details.insert(str("message"), message);
    setState(State::ShuttingDown);
    send(Message::goodbye(details, reason));
    m_goodbyeTimer.start(m_options.goodbyeTimeoutMs);
}

void Session::disconnectNow(const QString &reason)
{
    if (m_state == State::Closed || m_state == State::Disconnected) {
        if (!m_finished && m_state == State::Disconnected) {
            m_finished = true;
            setState(State::Closed);
        }
        return;
    }
    finish(QStringLiteral("transport.closed"), reason);
}

bool Session::routerHasFeature(const QString &role, const QString &feature) const
{
    return Value(m_welcomeDetails)[str("roles")][role][str("features")][feature].toBool();
}

void Session::handle(const Message &m)
{
    switch (m.type()) {
    case MessageType::Welcome:
        if (m_options.auth.method == u"scram") {
            const QString problem = scramWelcomeProblem(m.dict());
            m_scramSaltedPassword.clear();
            if (!problem.isEmpty()) {
                // The session is open on the router's side: leave it, and report the failed mutual authentication.
                send(Message::goodbye(Dict{{str("message"), problem}}, uris::authenticationFailed));
                finish(uris::authenticationFailed, problem);
                return;
            }
        }
        m_sessionId = m.at(1).toUInt64().value_or(0);
        m_welcomeDetails = m.dict();
        setState(State::Established);
        emit joined(m_sessionId, m_welcomeDetails);
        return;
    case MessageType::Challenge: handleChallenge(m); return;
    case MessageType::Abort: {
        const QString text = m.dict().value(str("message")).toString();
        finish(uris::canonicalErrorUri(m.uri()), text.isEmpty() && !m.args().isEmpty() ? m.args().first().toString() : text);
        return;
    }
    case MessageType::Goodbye:
        if (m_state == State::ShuttingDown) {
            finish(uris::canonicalErrorUri(m.uri()), m.dict().value(str("message")).toString());
        } else {
            send(Message::goodbye({}, uris::closeGoodbyeAndOut));
            finish(uris::canonicalErrorUri(m.uri()), m.dict().value(str("message")).toString());
        }
        return;
    default: break;
    }
    if (m_state == State::ShuttingDown)
        return; // a peer in SHUTTING DOWN ignores everything but the GOODBYE reply

    switch (m.type()) {
    case MessageType::Error: handleError(m); return;
    case MessageType::Published:
    case MessageType::Subscribed:
    case MessageType::Unsubscribed:
    case MessageType::Registered:
    case MessageType::Unregistered:
    case MessageType::Result: {
        const quint64 req = m.requestId();
        if (req == 0) { // revocation forms
            const Dict d = m.dict();
            if (m.type() == MessageType::Unsubscribed)
                m_subscriptions.remove(d.value(str("subscription")).toUInt64().value_or(0));
            else
                m_registrations.remove(d.value(str("registration")).toUInt64().value_or(0));
            return;
        }
        auto it = m_pending.find(req);
        static const QHash<MessageType, MessageType> replyTo = {
            {MessageType::Published, MessageType::Publish},     {MessageType::Subscribed, MessageType::Subscribe},
            {MessageType::Unsubscribed, MessageType::Unsubscribe}, {MessageType::Registered, MessageType::Register},
            {MessageType::Unregistered, MessageType::Unregister}, {MessageType::Result, MessageType::Call},
        };
        if (it == m_pending.end() || it->kind != replyTo.value(m.type())) {
            // Late answers (e.g. after a local cancel) are harmless; a reply of the wrong kind is not.
            if (it != m_pending.end()) {
                violation(QStringLiteral("%1 answers request %2, which was a %3")
                              .arg(m.typeName())
                              .arg(req)
                              .arg(Message::typeName(it->kind)));
            }
            return;
        }
        if (m.type() == MessageType::Result) {
            CallResult r{m.args(), m.kwargs(), m.dict(), m.dict().value(str("progress")).toBool()};
            ResultHandler h = it->onResult;
            if (!r.progress) {
                m_pending.erase(it);
                m_outputStreams.remove(req);
            }
            if (h)
                h(r);
            return;
        }
        Pending p = *it;
        m_pending.erase(it);
        const quint64 id = m.size() > 2 ? m.at(2).toUInt64().value_or(0) : 0;
        if (m.type() == MessageType::Subscribed) {
            Subscription &s = m_subscriptions[id];
            s.topic = p.uri;
            s.handlers.append(p.onEvent);
        } else if (m.type() == MessageType::Registered) {
            m_registrations.insert(id, Registration{p.uri, p.onInvocation, p.onInterrupt});
        } else if (m.type() == MessageType::Unsubscribed) {
            m_subscriptions.remove(p.options.value(str("id")).toUInt64().value_or(0));
        } else if (m.type() == MessageType::Unregistered) {
            m_registrations.remove(p.options.value(str("id")).toUInt64().value_or(0));
        }
        if (p.onId)
            p.onId(m.type() == MessageType::Unsubscribed || m.type() == MessageType::Unregistered
                       ? p.options.value(str("id")).toUInt64().value_or(0)
                       : id);
        return;
    }
    case MessageType::Event: {
        const quint64 sub = m.at(1).toUInt64().value_or(0);
        auto it = m_subscriptions.constFind(sub);
        if (it == m_subscriptions.constEnd())
            return; // may race with UNSUBSCRIBE
        EventData e;
        e.subscription = sub;
        e.publication = m.at(2).toUInt64().value_or(0);
        e.details = m.dict();
        e.topic = e.details.value(str("topic")).toString();
        if (e.topic.isEmpty())
            e.topic = it->topic;
        e.args = m.args();
        e.kwargs = m.kwargs();
        const QList<EventHandler> handlers = it->handlers;
        for (const EventHandler &h : handlers)
            if (h)
                h(e);
        return;
    }
    case MessageType::Invocation: {
        const quint64 req = m.requestId();
        const quint64 reg = m.at(2).toUInt64().value_or(0);
        const bool continuation = m_inputStreams.contains(req);
        if (!continuation && m_recentStreams.contains(req))
            return; // a late input chunk of an invocation already answered (wamp-notes §11.2)
        auto it = m_registrations.constFind(reg);
        if (it == m_registrations.constEnd()) {
            if (!continuation)
                send(Message::error(MessageType::Invocation, req, {}, uris::noSuchRegistration,
                                    List{QStringLiteral("registration %1 is not held by this session").arg(reg)}));
            return;
        }
        InvocationData inv;
        inv.requestId = req;
        inv.registration = reg;
        inv.details = m.dict();
        inv.procedure = inv.details.value(str("procedure")).toString();
        if (inv.procedure.isEmpty())
            inv.procedure = it->procedure;
        inv.args = m.args();
        inv.kwargs = m.kwargs();
        inv.progress = inv.details.value(str("progress")).toBool();
        inv.continuation = continuation;
        if (inv.progress)
            m_inputStreams.insert(req);
        else
            m_inputStreams.remove(req);
        m_invocations.insert(req, reg);
        InvocationHandler h = it->onInvocation;
        if (h)
            h(inv);
        else
            yieldError(req, uris::noSuchProcedure);
        return;
    }
    case MessageType::Interrupt: {
        const quint64 req = m.requestId();
        auto inv = m_invocations.constFind(req);
        if (inv == m_invocations.constEnd())
            return; // already answered: ignore (wamp-notes §5.6)
        const QString mode = m.dict().value(str("mode")).toString();
        auto reg = m_registrations.constFind(*inv);
        if (reg != m_registrations.constEnd() && reg->onInterrupt) {
            reg->onInterrupt(req, mode);
        } else if (mode == u"kill") {
            yieldError(req, uris::canceled, List{QStringLiteral("interrupted")});
        }
        if (mode == u"killnowait") {
            m_invocations.remove(req);
            endInputStream(req);
        }
        return;
    }
    default:
        violation(QStringLiteral("unexpected %1 from the router").arg(m.typeName()));
        return;
    }
}

void Session::handleError(const Message &m)
{
    const quint64 req = m.requestId();
    const auto requestType = MessageType(m.at(1).toInt64().value_or(0));
    auto it = m_pending.find(req);
    if (it == m_pending.end() || it->kind != requestType)
        return; // unknown or already finished request (e.g. canceled locally)
    ErrorHandler h = it->onError;
    m_pending.erase(it);
    m_outputStreams.remove(req);
    if (h)
        h(WampError{uris::canonicalErrorUri(m.uri()), m.args(), m.kwargs(), m.dict()});
}

} // namespace wb::session
