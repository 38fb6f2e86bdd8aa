// SPDX-License-Identifier: GPL-3.0-or-later
#include "metaclient.h"

#include <memory>

namespace wb::session {

using namespace wb::wamp;

namespace {
QString s(const char *t) { return QString::fromUtf8(t); }

/// The IDs of a {exact: [...], prefix: [...], wildcard: [...]} dict (or a plain list).
QList<quint64> idsOf(const Value &v)
{
    QList<quint64> ids;
    auto add = [&ids](const Value &list) {
        for (const Value &x : list.toList()) {
            if (const auto id = x.toUInt64())
                ids.append(*id);
        }
    };
    if (v.isDict()) {
        for (const char *policy : {"exact", "prefix", "wildcard"})
            add(v.value(s(policy)));
    } else {
        add(v);
    }
    return ids;
}

quint64 idAt(const List &args, int pos)
{
    return pos < args.size() ? args.at(pos).toUInt64().value_or(0) : 0;
}

WampError lostError()
{
    return WampError{kSessionLost, {s("the session is gone")}, {}, {}};
}

/// Collects N asynchronous answers; calls done() after the last one.
template<typename T>
struct Gather
{
    QList<T> items;
    int pending = 0;
    bool failed = false;
    std::function<void(const QList<T> &)> done;
    void finishOne()
    {
        if (--pending == 0 && !failed)
            done(items);
    }
};
} // namespace

MetaClient::MetaClient(Session *session, QObject *parent) : QObject(parent), m_session(session) {}

MetaSubscription MetaClient::parseSubscription(const Dict &d)
{
    MetaSubscription m;
    m.id = d.value(s("id")).toUInt64().value_or(0);
    m.uri = d.value(s("uri")).toString();
    m.match = d.value(s("match")).toString();
    if (m.match.isEmpty())
        m.match = s("exact");
    m.created = d.value(s("created")).toString();
    return m;
}

MetaRegistration MetaClient::parseRegistration(const Dict &d)
{
    MetaRegistration m;
    m.id = d.value(s("id")).toUInt64().value_or(0);
    m.uri = d.value(s("uri")).toString();
    m.match = d.value(s("match")).toString();
    if (m.match.isEmpty())
        m.match = s("exact");
    m.invoke = d.value(s("invoke")).toString();
    if (m.invoke.isEmpty())
        m.invoke = s("single");
    m.created = d.value(s("created")).toString();
    return m;
}

void MetaClient::fetchSessions(SessionsHandler onDone, ErrorHandler onError)
{
    if (!m_session)
        return onError(lostError());
    QPointer<Session> session = m_session;
    session->call(
        s("wamp.session.list"), {}, {}, {},
        [session, onDone, onError](const CallResult &r) {
            const QList<quint64> ids = idsOf(r.args.value(0));
            if (ids.isEmpty() || !session)
                return onDone({});
            auto g = std::make_shared<Gather<Dict>>();
            g->pending = int(ids.size());
            g->done = onDone;
            for (quint64 id : ids) {
                session->call(
                    s("wamp.session.get"), {id}, {}, {},
                    [g](const CallResult &res) {
                        if (res.args.value(0).isDict())
                            g->items.append(res.args.value(0).toDict());
                        g->finishOne();
                    },
                    [g](const WampError &) { g->finishOne(); }); // left in between
            }
        },
        onError);
}

void MetaClient::fetchSubscriptions(SubscriptionsHandler onDone, ErrorHandler onError)
{
    if (!m_session)
        return onError(lostError());
    QPointer<Session> session = m_session;
    session->call(
        s("wamp.subscription.list"), {}, {}, {},
        [session, onDone, onError](const CallResult &r) {
            const QList<quint64> ids = idsOf(r.args.value(0));
            if (ids.isEmpty() || !session)
                return onDone({});
            auto g = std::make_shared<Gather<MetaSubscription>>();
            g->pending = int(ids.size());
            g->done = onDone;
            for (quint64 id : ids) {
                session->call(
                    s("wamp.subscription.get"), {id}, {}, {},
                    [g, session, id](const CallResult &res) {
                        MetaSubscription sub = parseSubscription(res.args.value(0).toDict());
                        if (!sub.id)
                            sub.id = id;
                        if (!session)
                            return g->finishOne();
                        session->call(
                            s("wamp.subscription.list_subscribers"), {id}, {}, {},
                            [g, sub](const CallResult &who) mutable {
                                sub.subscribers = idsOf(who.args.value(0));
                                g->items.append(sub);
                                g->finishOne();
                            },
                            [g, sub](const WampError &) mutable {
                                g->items.append(sub);
                                g->finishOne();
                            });
                    },
                    [g](const WampError &) { g->finishOne(); }); // deleted in between
            }
        },
        onError);
}

void MetaClient::fetchRegistrations(RegistrationsHandler onDone, ErrorHandler onError)
{
    if (!m_session)
        return onError(lostError());
    QPointer<Session> session = m_session;
    session->call(
        s("wamp.registration.list"), {}, {}, {},
        [session, onDone, onError](const CallResult &r) {
            const QList<quint64> ids = idsOf(r.args.value(0));
            if (ids.isEmpty() || !session)
                return onDone({});
            auto g = std::make_shared<Gather<MetaRegistration>>();
            g->pending = int(ids.size());
            g->done = onDone;
            for (quint64 id : ids) {
                session->call(
                    s("wamp.registration.get"), {id}, {}, {},
                    [g, session, id](const CallResult &res) {
                        MetaRegistration reg = parseRegistration(res.args.value(0).toDict());
                        if (!reg.id)
                            reg.id = id;
                        if (!session)
                            return g->finishOne();
                        session->call(
                            s("wamp.registration.list_callees"), {id}, {}, {},
                            [g, reg](const CallResult &who) mutable {
                                reg.callees = idsOf(who.args.value(0));
                                g->items.append(reg);
                                g->finishOne();
                            },
                            [g, reg](const WampError &) mutable {
                                g->items.append(reg);
                                g->finishOne();
                            });
                    },
                    [g](const WampError &) { g->finishOne(); });
            }
        },
        onError);
}

void MetaClient::killSession(quint64 sessionId, const QString &reason, const QString &message,
                             std::function<void()> onDone, ErrorHandler onError)
{
    if (!m_session)
        return onError(lostError());
    Dict kwargs;
    if (!reason.isEmpty())
        kwargs.insert(s("reason"), reason);
    if (!message.isEmpty())
        kwargs.insert(s("message"), message);
    m_session->call(
        s("wamp.session.kill"), {sessionId}, kwargs, {},
        [onDone](const CallResult &) {
            if (onDone)
                onDone();
        },
        onError);
}

void MetaClient::watch(std::function<void()> onReady, ErrorHandler onError)
{
    if (!m_session) {
        if (onError)
            onError(lostError());
        return;
    }
    QPointer<MetaClient> self = this;
    using Handler = std::function<void(const List &)>;
    const QList<std::pair<QString, Handler>> topics = {
        {s("wamp.session.on_join"), [self](const List &a) { if (self) emit self->sessionJoined(a.value(0).toDict()); }},
        {s("wamp.session.on_leave"), [self](const List &a) { if (self) emit self->sessionLeft(idAt(a, 0)); }},
        {s("wamp.subscription.on_create"),
         [self](const List &a) { if (self) emit self->subscriptionCreated(idAt(a, 0), parseSubscription(a.value(1).toDict())); }},
        {s("wamp.subscription.on_subscribe"), [self](const List &a) { if (self) emit self->subscribed(idAt(a, 0), idAt(a, 1)); }},
        {s("wamp.subscription.on_unsubscribe"), [self](const List &a) { if (self) emit self->unsubscribed(idAt(a, 0), idAt(a, 1)); }},
        {s("wamp.subscription.on_delete"), [self](const List &a) { if (self) emit self->subscriptionDeleted(idAt(a, 0), idAt(a, 1)); }},
        {s("wamp.registration.on_create"),
         [self](const List &a) { if (self) emit self->registrationCreated(idAt(a, 0), parseRegistration(a.value(1).toDict())); }},
        {s("wamp.registration.on_register"), [self](const List &a) { if (self) emit self->registered(idAt(a, 0), idAt(a, 1)); }},
        {s("wamp.registration.on_unregister"), [self](const List &a) { if (self) emit self->unregistered(idAt(a, 0), idAt(a, 1)); }},
        {s("wamp.registration.on_delete"), [self](const List &a) { if (self) emit self->registrationDeleted(idAt(a, 0), idAt(a, 1)); }},
    };
    auto pending = std::make_shared<int>(int(topics.size()));
    auto failed = std::make_shared<bool>(false);
    for (const auto &[topic, handler] : topics) {
        m_session->subscribe(
            topic, {}, [handler](const EventData &e) { handler(e.args); },
            [pending, failed, onReady](quint64) {
                if (--*pending == 0 && !*failed && onReady)
                    onReady();
            },
            [failed, onError](const WampError &e) {
                if (!*failed && onError)
                    onError(e);
                *failed = true;
            });
    }
}

} // namespace wb::session
