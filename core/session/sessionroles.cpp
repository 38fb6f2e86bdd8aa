// SPDX-License-Identifier: GPL-3.0-or-later
// Session: the four client roles' requests (caller, publisher, subscriber, callee: CALL, PUBLISH, SUBSCRIBE,
// REGISTER, YIELD, ...). Replies are dispatched by Session::handle() in session.cpp.
#include "session.h"


namespace wb::session {

using namespace wb::wamp;

namespace {
QString str(const char *s) { return QString::fromLatin1(s); }
} // namespace

quint64 Session::call(const QString &procedure, const List &args, const Dict &kwargs, const Dict &options,
                      ResultHandler onResult, ErrorHandler onError)
{
    if (m_state != State::Established) {
        failRequest(onError, QStringLiteral("not joined"));
        return 0;
    }
    const quint64 req = nextRequest();
    Pending p{MessageType::Call, procedure, std::move(onResult), {}, std::move(onError), {}, {}, {}, options};
    m_pending.insert(req, std::move(p));
    if (options.value(str("progress")).toBool())
        m_outputStreams.insert(req);
    send(Message::call(req, options, procedure, args, kwargs));
    return req;
}

bool Session::sendCallChunk(quint64 callRequestId, const List &args, const Dict &kwargs, bool more)
{
    auto it = m_pending.constFind(callRequestId);
    if (it == m_pending.constEnd() || it->kind != MessageType::Call || !m_outputStreams.contains(callRequestId))
        return false;
    if (!more)
        m_outputStreams.remove(callRequestId);
    // Options of the first CALL stay in force; later chunks carry only progress (wamp-notes §11.2).
    return send(Message::call(callRequestId, more ? Dict{{str("progress"), true}} : Dict(), it->uri, args, kwargs));
}

void Session::cancel(quint64 callRequestId, const QString &mode)
{
    auto it = m_pending.find(callRequestId);
    if (it == m_pending.end() || it->kind != MessageType::Call)
        return;
    send(Message::cancel(callRequestId, Dict{{str("mode"), mode}}));
    m_outputStreams.remove(callRequestId);
    if (mode != u"kill") {
        // Some routers (Crossbar in skip mode) never answer: end the call locally (wamp-notes §11.4).
        ErrorHandler h = it->onError;
        m_pending.erase(it);
        if (h)
            h(WampError{uris::canceled, List{QStringLiteral("canceled by the caller (%1)").arg(mode)}, {}, {}});
    }
}

quint64 Session::publish(const QString &topic, const List &args, const Dict &kwargs, const Dict &options,
                         IdHandler onPublished, ErrorHandler onError)
{
    if (m_state != State::Established) {
        failRequest(onError, QStringLiteral("not joined"));
        return 0;
    }
    const quint64 req = nextRequest();
    const bool ack = options.value(str("acknowledge")).toBool();
    if (ack)
        m_pending.insert(req, Pending{MessageType::Publish, topic, {}, std::move(onPublished), std::move(onError), {}, {}, {}, options});
    const bool sent = send(Message::publish(req, options, topic, args, kwargs));
    if (!ack) {
        if (sent && onPublished)
            onPublished(0);
        else if (!sent)
            failRequest(onError, QStringLiteral("could not send (message too large or connection closed)"));
    }
    return req;
}

quint64 Session::subscribe(const QString &topic, const Dict &options, EventHandler onEvent, IdHandler onSubscribed,
                           ErrorHandler onError)
{
    if (m_state != State::Established) {
        failRequest(onError, QStringLiteral("not joined"));
        return 0;
    }
    const quint64 req = nextRequest();
    m_pending.insert(req, Pending{MessageType::Subscribe, topic, {}, std::move(onSubscribed), std::move(onError), std::move(onEvent), {}, {}, options});
    send(Message::subscribe(req, options, topic));
    return req;
}

quint64 Session::unsubscribe(quint64 subscriptionId, IdHandler onDone, ErrorHandler onError)
{
    if (m_state != State::Established) {
        failRequest(onError, QStringLiteral("not joined"));
        return 0;
    }
    const quint64 req = nextRequest();
    m_pending.insert(req, Pending{MessageType::Unsubscribe, {}, {}, std::move(onDone), std::move(onError), {}, {}, {},
                                  Dict{{str("id"), subscriptionId}}});
    send(Message::unsubscribe(req, subscriptionId));
    return req;
}

quint64 Session::registerProcedure(const QString &procedure, const Dict &options, InvocationHandler onInvocation,
                                   IdHandler onRegistered, ErrorHandler onError, InterruptHandler onInterrupt)
{
    if (m_state != State::Established) {
        failRequest(onError, QStringLiteral("not joined"));
        return 0;
    }
    const quint64 req = nextRequest();
    m_pending.insert(req, Pending{MessageType::Register, procedure, {}, std::move(onRegistered), std::move(onError), {},
                                  std::move(onInvocation), std::move(onInterrupt), options});
    send(Message::register_(req, options, procedure));
    return req;
}

quint64 Session::unregister(quint64 registrationId, IdHandler onDone, ErrorHandler onError)
{
    if (m_state != State::Established) {
        failRequest(onError, QStringLiteral("not joined"));
        return 0;
    }
    const quint64 req = nextRequest();
    m_pending.insert(req, Pending{MessageType::Unregister, {}, {}, std::move(onDone), std::move(onError), {}, {}, {},
                                  Dict{{str("id"), registrationId}}});
    send(Message::unregister(req, registrationId));
    return req;
}

void Session::yield(quint64 invocationRequestId, const List &args, const Dict &kwargs, const Dict &options)
{
    if (!m_invocations.contains(invocationRequestId))
        return; // interrupted (killnowait) or already answered
    if (!options.value(str("progress")).toBool()) {
        m_invocations.remove(invocationRequestId);
        endInputStream(invocationRequestId);
    }
    send(Message::yield(invocationRequestId, options, args, kwargs));
}

void Session::yieldError(quint64 invocationRequestId, const QString &errorUri, const List &args, const Dict &kwargs)
{
    if (!m_invocations.remove(invocationRequestId))
        return;
    endInputStream(invocationRequestId);
    send(Message::error(MessageType::Invocation, invocationRequestId, {}, errorUri, args, kwargs));
}

void Session::endInputStream(quint64 invocationRequestId)
{
    if (!m_inputStreams.remove(invocationRequestId))
        return;
    m_recentStreams.append(invocationRequestId);
    while (m_recentStreams.size() > 64)
        m_recentStreams.removeFirst();
}

} // namespace wb::session
