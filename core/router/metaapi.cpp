// SPDX-License-Identifier: GPL-3.0-or-later
#include "metaapi.h"

#include "eventhistory.h"
#include "realm.h"
#include "routerlogging.h"
#include "routersession.h"
#include "wamp/errors.h"
#include "wamp/ids.h"
#include "wamp/uri.h"

#include <functional>

namespace wb::router {

using namespace wb::wamp;

namespace {
const QString kTestamentError = QStringLiteral("wamp.error.testament_error");
const QString kHistoryUnavailable = QStringLiteral("wamp.error.history_unavailable");
const QString kDestroyed = QStringLiteral("destroyed");
const QString kDetached = QStringLiteral("detached");

QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

Dict subscriptionDetails(const Broker::Subscription &sub)
{
    return Dict{{QStringLiteral("id"), sub.id},
                {QStringLiteral("created"), isoTime(sub.created)},
                {QStringLiteral("uri"), sub.uri},
                {QStringLiteral("match"), matchPolicyName(sub.match)}};
}

Dict registrationDetails(const Dealer::Registration &reg)
{
    return Dict{{QStringLiteral("id"), reg.id},
                {QStringLiteral("created"), isoTime(reg.created)},
                {QStringLiteral("uri"), reg.uri},
                {QStringLiteral("match"), matchPolicyName(reg.match)},
                {QStringLiteral("invoke"), Dealer::invokePolicyName(reg.invoke)}};
}

Dict byPolicy(const QList<std::pair<MatchPolicy, quint64>> &items)
{
    List exact, prefix, wildcard;
    for (const auto &[policy, id] : items) {
        switch (policy) {
        case MatchPolicy::Exact: exact.append(id); break;
        case MatchPolicy::Prefix: prefix.append(id); break;
        case MatchPolicy::Wildcard: wildcard.append(id); break;
        }
    }
    return Dict{{QStringLiteral("exact"), exact}, {QStringLiteral("prefix"), prefix}, {QStringLiteral("wildcard"), wildcard}};
}
} // namespace

/// One meta CALL: the caller plus Crossbar-style argument binding (position or keyword name).
struct MetaApi::Call
{
    RouterSession &caller;
    List args;
    Dict kwargs;

    Value arg(int pos, const QString &name) const
    {
        if (pos < args.size())
            return args.at(pos);
        return kwargs.value(name);
    }
};

/// The answer: a result value (RESULT [value]) or an error URI + message.
struct MetaApi::Reply
{
    Value result;
    QString error;
    QString message;

    static Reply ok(Value v = {}) { return Reply{std::move(v), {}, {}}; }
    static Reply fail(const QString &uri, const QString &message) { return Reply{{}, uri, message}; }
};

namespace {
/// An ID argument: a positive integer in the WAMP ID range; \a error set otherwise.
std::optional<quint64> idArg(const Value &v, const QString &name, MetaApi::Reply *error)
{
    const auto id = v.toUInt64();
    if (id && isValidId(*id))
        return id;
    *error = MetaApi::Reply::fail(uris::invalidArgument,
                                  QStringLiteral("%1 must be a WAMP ID (integer), got %2").arg(name, v.toDebugString()));
    return std::nullopt;
}

/// Optional string argument (null/absent = \a def).
bool stringArg(const Value &v, const QString &name, QString &out, MetaApi::Reply *error)
{
    if (v.isNull())
        return true;
    if (!v.isString()) {
        *error = MetaApi::Reply::fail(uris::invalidArgument,
                                      QStringLiteral("%1 must be a string, got %2").arg(name, v.toDebugString()));
        return false;
    }
    out = v.toString();
    return true;
}

/// A required string argument (a topic or procedure URI); \a error set otherwise.
std::optional<QString> requiredStringArg(const Value &v, const QString &name, MetaApi::Reply *error)
{
    if (v.isString())
        return v.toString();
    *error = MetaApi::Reply::fail(uris::invalidArgument, QStringLiteral("%1 must be a string, got %2").arg(name, v.toDebugString()));
    return std::nullopt;
}

/// Optional match policy from an options dict ({"match": ...}).
std::optional<MatchPolicy> policyFromOptions(const Value &options, MetaApi::Reply *error)
{
    if (options.isNull())
        return MatchPolicy::Exact;
    if (!options.isDict()) {
        *error = MetaApi::Reply::fail(uris::invalidArgument,
                                      QStringLiteral("options must be a dict, got %1").arg(options.kindName()));
        return std::nullopt;
    }
    const Value m = options.value(QStringLiteral("match"));
    if (m.isNull())
        return MatchPolicy::Exact;
    const auto p = m.isString() ? parseMatchPolicy(m.toString()) : std::nullopt;
    if (!p)
        *error = MetaApi::Reply::fail(uris::invalidArgument,
                                      QStringLiteral("options.match must be exact, prefix or wildcard, got %1")
                                          .arg(m.toDebugString()));
    return p;
}
} // namespace

MetaApi::MetaApi(Realm &realm) : m_realm(realm) {}

MetaApi::~MetaApi() = default;

Dict MetaApi::sessionDetails(const RouterSession &session)
{
    const SessionInfo &i = session.info();
    // Transport details in Crossbar's TransportDetails shape (the subset we know).
    const QString kind = i.transport; // websocket | rawsocket-tcp | rawsocket-unix (| ...-tls)
    const bool unixSocket = kind.contains(u"unix");
    Dict transport{
        {QStringLiteral("channel_type"), unixSocket ? QStringLiteral("unix") : QStringLiteral("tcp")},
        {QStringLiteral("channel_framing"), kind.section(u'-', 0, 0)},
        {QStringLiteral("channel_serializer"), i.serializer},
        {QStringLiteral("peer"), unixSocket ? QStringLiteral("unix") : QStringLiteral("tcp4:") + i.peer},
        {QStringLiteral("is_secure"), kind.contains(u"tls") || kind.startsWith(u"wss")},
    };
    return Dict{
        {QStringLiteral("session"), i.id},
        {QStringLiteral("realm"), i.realm},
        {QStringLiteral("authid"), i.authid},
        {QStringLiteral("authrole"), i.authrole},
        {QStringLiteral("authmethod"), i.authmethod},
        {QStringLiteral("authprovider"), i.authprovider},
        {QStringLiteral("authextra"), Dict{}},
        {QStringLiteral("serializer"), i.serializer},
        {QStringLiteral("transport"), transport},
        {QStringLiteral("resumed"), false},
        {QStringLiteral("resumable"), false},
    };
}

bool MetaApi::handleCall(RouterSession &caller, const Message &m)
{
    using Handler = std::function<Reply(MetaApi &, const Call &)>;
    static const QHash<QString, Handler> handlers = {
        {QStringLiteral("wamp.session.count"), &MetaApi::sessionCount},
        {QStringLiteral("wamp.session.list"), &MetaApi::sessionList},
        {QStringLiteral("wamp.session.get"), &MetaApi::sessionGet},
        {QStringLiteral("wamp.session.kill"), &MetaApi::sessionKill},
        {QStringLiteral("wamp.session.kill_by_authid"), [](MetaApi &a, const Call &c) { return a.sessionKillBy(c, true); }},
        {QStringLiteral("wamp.session.kill_by_authrole"), [](MetaApi &a, const Call &c) { return a.sessionKillBy(c, false); }},
        {QStringLiteral("wamp.session.add_testament"), &MetaApi::addTestament},
        {QStringLiteral("wamp.session.flush_testaments"), &MetaApi::flushTestaments},
        {QStringLiteral("wamp.subscription.list"), &MetaApi::subscriptionList},
        {QStringLiteral("wamp.subscription.lookup"), &MetaApi::subscriptionLookup},
        {QStringLiteral("wamp.subscription.match"), &MetaApi::subscriptionMatch},
        {QStringLiteral("wamp.subscription.get"), &MetaApi::subscriptionGet},
        {QStringLiteral("wamp.subscription.list_subscribers"),
         [](MetaApi &a, const Call &c) { return a.subscriptionSubscribers(c, false); }},
        {QStringLiteral("wamp.subscription.count_subscribers"),
         [](MetaApi &a, const Call &c) { return a.subscriptionSubscribers(c, true); }},
        {QStringLiteral("wamp.subscription.get_events"), &MetaApi::subscriptionGetEvents},
        {QStringLiteral("wamp.registration.list"), &MetaApi::registrationList},
        {QStringLiteral("wamp.registration.lookup"), &MetaApi::registrationLookup},
        {QStringLiteral("wamp.registration.match"), &MetaApi::registrationMatch},
        {QStringLiteral("wamp.registration.get"), &MetaApi::registrationGet},
        {QStringLiteral("wamp.registration.list_callees"),
         [](MetaApi &a, const Call &c) { return a.registrationCallees(c, false); }},
        {QStringLiteral("wamp.registration.count_callees"),
         [](MetaApi &a, const Call &c) { return a.registrationCallees(c, true); }},
    };
    const QString procedure = m.uri();
    if (!isReservedUri(procedure))
        return false;
    const auto it = handlers.constFind(procedure);
    if (it == handlers.constEnd())
        return false;
    const Call call{caller, m.args(), m.kwargs()};
    const Reply reply = (*it)(*this, call);
    if (reply.error.isEmpty())
        caller.send(Message::result(m.requestId(), {}, List{reply.result}));
    else
        caller.send(Message::error(MessageType::Call, m.requestId(), {}, reply.error, {reply.message}));
    return true;
}

void MetaApi::publish(const QString &topic, const List &args)
{
    m_realm.broker().publishFromRouter(topic, args, {});
}

bool MetaApi::hidden(const RouterSession &caller, const QString &uri) const
{
    // Crossbar's is_protected_uri(): the router's own URIs are visible to "trusted" sessions only.
    return isReservedUri(uri) && caller.info().authrole != u"trusted";
}

QList<RouterSession *> MetaApi::joinedSessions() const
{
    QList<RouterSession *> out;
    for (RouterSession *s : m_realm.sessions()) {
        if (s->isEstablished())
            out.append(s);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// session

void MetaApi::sessionJoined(RouterSession &session)
{
    publish(QStringLiteral("wamp.session.on_join"), {sessionDetails(session)});
}

void MetaApi::sessionLeaving(RouterSession &session)
{
    // Without session resumption both buckets fire at the end: detached first, then destroyed (wamp-notes §13.4).
    const Testaments t = m_testaments.take(session.id());
    for (const QList<Testament> *bucket : {&t.detached, &t.destroyed}) {
        for (const Testament &testament : *bucket)
            m_realm.broker().publishFromRouter(testament.topic, testament.args, testament.kwargs, testament.options);
    }
}

void MetaApi::sessionLeft(RouterSession &session)
{
    m_testaments.remove(session.id());
    // Crossbar publishes only the session ID (the spec adds authid and authrole).
    publish(QStringLiteral("wamp.session.on_leave"), {session.id()});
}

static std::optional<QSet<QString>> authroleFilter(const Value &v, MetaApi::Reply *error)
{
    QSet<QString> roles;
    if (v.isNull())
        return roles;
    if (v.isList()) {
        bool ok = true;
        for (const Value &r : v.toList()) {
            ok = ok && r.isString();
            roles.insert(r.toString());
        }
        if (ok)
            return roles;
    }
    *error = MetaApi::Reply::fail(uris::invalidArgument, QStringLiteral("filter_authroles must be a list of strings, got %1")
                                                             .arg(v.toDebugString()));
    return std::nullopt;
}

MetaApi::Reply MetaApi::sessionCount(const Call &c)
{
    Reply error;
    const Value filterValue = c.arg(0, QStringLiteral("filter_authroles"));
    const auto filter = authroleFilter(filterValue, &error);
    if (!filter)
        return error;
    qint64 n = 0;
    for (RouterSession *s : joinedSessions())
        n += (filterValue.isNull() || filter->contains(s->info().authrole)) ? 1 : 0;
    return Reply::ok(n);
}

MetaApi::Reply MetaApi::sessionList(const Call &c)
{
    Reply error;
    const Value filterValue = c.arg(0, QStringLiteral("filter_authroles"));
    const auto filter = authroleFilter(filterValue, &error);
    if (!filter)
        return error;
    List ids;
    for (RouterSession *s : joinedSessions()) {
        if (filterValue.isNull() || filter->contains(s->info().authrole))
            ids.append(s->id());
    }
    return Reply::ok(ids);
}

MetaApi::Reply MetaApi::sessionGet(const Call &c)
{
    Reply error;
    const auto id = idArg(c.arg(0, QStringLiteral("session_id")), QStringLiteral("session_id"), &error);
    if (!id)
        return error;
    RouterSession *s = m_realm.session(*id);
    if (!s || !s->isEstablished())
        return Reply::fail(uris::noSuchSession, QStringLiteral("no session with ID %1 exists on this router").arg(*id));
    return Reply::ok(sessionDetails(*s));
}

MetaApi::Reply MetaApi::sessionKill(const Call &c)
{
    Reply error;
    const auto id = idArg(c.arg(0, QStringLiteral("session_id")), QStringLiteral("session_id"), &error);
    if (!id)
        return error;
    QString reason = uris::closeKilled, message;
    if (!stringArg(c.arg(1, QStringLiteral("reason")), QStringLiteral("reason"), reason, &error)
        || !stringArg(c.arg(2, QStringLiteral("message")), QStringLiteral("message"), message, &error))
        return error;
    if (!isValidUri(reason))
        return Reply::fail(uris::invalidUri, QStringLiteral("reason \"%1\" is not a valid URI").arg(reason));
    RouterSession *s = m_realm.session(*id);
    if (!s || !s->isEstablished() || s == &c.caller)
        return Reply::fail(uris::noSuchSession, QStringLiteral("no session with ID %1 exists on this router").arg(*id));
    s->kill(reason, message);
    return Reply::ok();
}

MetaApi::Reply MetaApi::sessionKillBy(const Call &c, bool byAuthid)
{
    Reply error;
    const QString key = byAuthid ? QStringLiteral("authid") : QStringLiteral("authrole");
    const Value who = c.arg(0, key);
    if (!who.isString())
        return Reply::fail(uris::invalidArgument, QStringLiteral("%1 must be a string, got %2").arg(key, who.toDebugString()));
    QString reason = uris::closeKilled, message;
    if (!stringArg(c.arg(1, QStringLiteral("reason")), QStringLiteral("reason"), reason, &error)
        || !stringArg(c.arg(2, QStringLiteral("message")), QStringLiteral("message"), message, &error))
        return error;
    if (!isValidUri(reason))
        return Reply::fail(uris::invalidUri, QStringLiteral("reason \"%1\" is not a valid URI").arg(reason));
    // Crossbar returns the list of killed session IDs for both kill_by_authid and kill_by_authrole.
    List killed;
    for (RouterSession *s : joinedSessions()) {
        if (s == &c.caller)
            continue; // the caller is spared
        if ((byAuthid ? s->info().authid : s->info().authrole) != who.toString())
            continue;
        killed.append(s->id());
        s->kill(reason, message);
    }
    return Reply::ok(killed);
}

// ---------------------------------------------------------------------------------------------------------------
// testament

static std::optional<QString> scopeArg(const Value &v, MetaApi::Reply *error)
{
    if (v.isNull())
        return kDestroyed;
    if (v.isString() && (v.toString() == kDestroyed || v.toString() == kDetached))
        return v.toString();
    *error = MetaApi::Reply::fail(kTestamentError, QStringLiteral("scope must be destroyed or detached"));
    return std::nullopt;
}

MetaApi::Reply MetaApi::addTestament(const Call &c)
{
    Reply error;
    const Value topic = c.arg(0, QStringLiteral("topic"));
    const Value args = c.arg(1, QStringLiteral("args"));
    const Value kwargs = c.arg(2, QStringLiteral("kwargs"));
    const Value options = c.arg(3, QStringLiteral("publish_options"));
    const auto scope = scopeArg(c.arg(4, QStringLiteral("scope")), &error);
    if (!scope)
        return error;
    if (!topic.isString() || !isValidUri(topic.toString()))
        return Reply::fail(uris::invalidUri, QStringLiteral("topic must be a valid URI, got %1").arg(topic.toDebugString()));
    if (!(args.isNull() || args.isList()) || !(kwargs.isNull() || kwargs.isDict()) || !(options.isNull() || options.isDict()))
        return Reply::fail(uris::invalidArgument,
                           QStringLiteral("add_testament(topic, args: list, kwargs: dict, publish_options: dict, scope)"));
    Testaments &t = m_testaments[c.caller.id()];
    QList<Testament> &bucket = *scope == kDestroyed ? t.destroyed : t.detached;
    if (bucket.size() >= kMaxTestaments)
        return Reply::fail(kTestamentError, QStringLiteral("at most %1 testaments per scope").arg(kMaxTestaments));
    Dict publishOptions = options.toDict();
    publishOptions.remove(QStringLiteral("acknowledge"));
    publishOptions.remove(QStringLiteral("exclude_me"));
    bucket.append(Testament{topic.toString(), args.toList(), kwargs.toDict(), publishOptions});
    return Reply::ok(randomId()); // Crossbar returns a publication ID
}

MetaApi::Reply MetaApi::flushTestaments(const Call &c)
{
    Reply error;
    const auto scope = scopeArg(c.arg(0, QStringLiteral("scope")), &error);
    if (!scope)
        return error;
    auto it = m_testaments.find(c.caller.id());
    if (it == m_testaments.end())
        return Reply::ok(0);
    QList<Testament> &bucket = *scope == kDestroyed ? it->destroyed : it->detached;
    const qint64 flushed = bucket.size();
    bucket.clear();
    return Reply::ok(flushed);
}

int MetaApi::testamentCount(quint64 sessionId) const
{
    const auto it = m_testaments.constFind(sessionId);
    return it == m_testaments.constEnd() ? 0 : int(it->detached.size() + it->destroyed.size());
}

// ---------------------------------------------------------------------------------------------------------------
// subscription

void MetaApi::subscribed(RouterSession &session, const Broker::Subscription &sub, bool created)
{
    if (isReservedUri(sub.uri))
        return; // no meta events about the meta API itself
    if (created)
        publish(QStringLiteral("wamp.subscription.on_create"), {session.id(), subscriptionDetails(sub)});
    publish(QStringLiteral("wamp.subscription.on_subscribe"), {session.id(), sub.id});
}

void MetaApi::unsubscribed(RouterSession &session, const Broker::Subscription &sub, bool deleted)
{
    if (isReservedUri(sub.uri))
        return;
    publish(QStringLiteral("wamp.subscription.on_unsubscribe"), {session.id(), sub.id});
    if (deleted)
        publish(QStringLiteral("wamp.subscription.on_delete"), {session.id(), sub.id});
}

template <typename Item, typename OfSession, typename All>
MetaApi::Reply MetaApi::listByPolicy(const Call &c, OfSession ofSession, All all) const
{
    QList<const Item *> list;
    const Value sessionValue = c.arg(0, QStringLiteral("session_id"));
    if (!sessionValue.isNull()) {
        Reply error;
        const auto id = idArg(sessionValue, QStringLiteral("session_id"), &error);
        if (!id)
            return error;
        RouterSession *s = m_realm.session(*id);
        if (!s || !s->isEstablished())
            return Reply::fail(uris::noSuchSession, QStringLiteral("no session with ID %1 exists on this router").arg(*id));
        list = ofSession(s);
    } else {
        list = all();
    }
    QList<std::pair<MatchPolicy, quint64>> items;
    for (const Item *item : std::as_const(list)) {
        if (!hidden(c.caller, item->uri))
            items.append({item->match, item->id});
    }
    return Reply::ok(byPolicy(items));
}

MetaApi::Reply MetaApi::subscriptionList(const Call &c)
{
    Broker &broker = m_realm.broker();
    return listByPolicy<Broker::Subscription>(
        c, [&](RouterSession *s) { return broker.subscriptionsOf(s); }, [&] { return broker.all(); });
}

MetaApi::Reply MetaApi::subscriptionLookup(const Call &c)
{
    Reply error;
    const auto topic = requiredStringArg(c.arg(0, QStringLiteral("topic")), QStringLiteral("topic"), &error);
    if (!topic)
        return error;
    const auto policy = policyFromOptions(c.arg(1, QStringLiteral("options")), &error);
    if (!policy)
        return error;
    const Broker::Subscription *sub = m_realm.broker().lookup(*topic, *policy);
    if (!sub || hidden(c.caller, sub->uri))
        return Reply::ok();
    return Reply::ok(sub->id);
}

MetaApi::Reply MetaApi::subscriptionMatch(const Call &c)
{
    Reply error;
    const auto topic = requiredStringArg(c.arg(0, QStringLiteral("topic")), QStringLiteral("topic"), &error);
    if (!topic)
        return error;
    List ids;
    for (const Broker::Subscription *sub : m_realm.broker().matching(*topic)) {
        if (!hidden(c.caller, sub->uri))
            ids.append(sub->id);
    }
    if (ids.isEmpty())
        return Reply::ok(); // Crossbar: null rather than []
    return Reply::ok(ids);
}

static const Broker::Subscription *findSubscription(Realm &realm, const MetaApi::Call &c, MetaApi::Reply *error)
{
    const auto id = idArg(c.arg(0, QStringLiteral("subscription_id")), QStringLiteral("subscription_id"), error);
    if (!id)
        return nullptr;
    const Broker::Subscription *sub = realm.broker().subscription(*id);
    if (!sub)
        *error = MetaApi::Reply::fail(uris::noSuchSubscription,
                                      QStringLiteral("no subscription with ID %1 exists on this broker").arg(*id));
    return sub;
}

MetaApi::Reply MetaApi::subscriptionGet(const Call &c)
{
    Reply error;
    const Broker::Subscription *sub = findSubscription(m_realm, c, &error);
    if (!sub)
        return error;
    if (hidden(c.caller, sub->uri))
        return Reply::fail(uris::notAuthorized,
                           QStringLiteral("not authorized to get subscription for protected URI \"%1\"").arg(sub->uri));
    return Reply::ok(subscriptionDetails(*sub));
}

MetaApi::Reply MetaApi::subscriptionSubscribers(const Call &c, bool count)
{
    Reply error;
    const Broker::Subscription *sub = findSubscription(m_realm, c, &error);
    if (!sub)
        return error;
    if (hidden(c.caller, sub->uri))
        return Reply::fail(uris::notAuthorized,
                           QStringLiteral("not authorized to list subscribers for protected URI \"%1\"").arg(sub->uri));
    if (count)
        return Reply::ok(qint64(sub->subscribers.size()));
    List ids;
    for (const RouterSession *s : sub->subscribers)
        ids.append(s->id());
    return Reply::ok(ids);
}

MetaApi::Reply MetaApi::subscriptionGetEvents(const Call &c)
{
    if (m_realm.config().eventHistory.isEmpty())
        return Reply::fail(kHistoryUnavailable, QStringLiteral("event history not available or enabled"));
    Reply error;
    const Broker::Subscription *sub = findSubscription(m_realm, c, &error);
    if (!sub)
        return error;
    if (hidden(c.caller, sub->uri))
        return Reply::fail(uris::notAuthorized,
                           QStringLiteral("not authorized to retrieve event history for protected URI \"%1\"").arg(sub->uri));
    const Value limitValue = c.arg(1, QStringLiteral("limit"));
    qint64 limit = 10; // Crossbar's default
    if (!limitValue.isNull()) {
        const auto l = limitValue.toInt64();
        if (!l || *l < 0)
            return Reply::fail(uris::invalidArgument,
                               QStringLiteral("limit must be a non-negative integer, got %1").arg(limitValue.toDebugString()));
        limit = qMin<qint64>(*l, 1000000);
    }
    const auto events = m_realm.history().events(sub->id, int(limit));
    if (!events)
        return Reply::fail(kHistoryUnavailable, QStringLiteral("event history for the given subscription is not available or enabled"));
    return Reply::ok(*events);
}

// ---------------------------------------------------------------------------------------------------------------
// registration

void MetaApi::registered(RouterSession &session, const Dealer::Registration &reg, bool created)
{
    if (isReservedUri(reg.uri))
        return;
    if (created)
        publish(QStringLiteral("wamp.registration.on_create"), {session.id(), registrationDetails(reg)});
    publish(QStringLiteral("wamp.registration.on_register"), {session.id(), reg.id});
}

void MetaApi::unregistered(RouterSession &session, const Dealer::Registration &reg, bool deleted)
{
    if (isReservedUri(reg.uri))
        return;
    publish(QStringLiteral("wamp.registration.on_unregister"), {session.id(), reg.id});
    if (deleted)
        publish(QStringLiteral("wamp.registration.on_delete"), {session.id(), reg.id});
}

MetaApi::Reply MetaApi::registrationList(const Call &c)
{
    Dealer &dealer = m_realm.dealer();
    return listByPolicy<Dealer::Registration>(
        c, [&](RouterSession *s) { return dealer.registrationsOf(s); }, [&] { return dealer.all(); });
}

MetaApi::Reply MetaApi::registrationLookup(const Call &c)
{
    Reply error;
    const auto procedure = requiredStringArg(c.arg(0, QStringLiteral("procedure")), QStringLiteral("procedure"), &error);
    if (!procedure)
        return error;
    const auto policy = policyFromOptions(c.arg(1, QStringLiteral("options")), &error);
    if (!policy)
        return error;
    const Dealer::Registration *reg = m_realm.dealer().lookup(*procedure, *policy);
    if (!reg || hidden(c.caller, reg->uri))
        return Reply::ok();
    return Reply::ok(reg->id);
}

MetaApi::Reply MetaApi::registrationMatch(const Call &c)
{
    Reply error;
    const auto procedure = requiredStringArg(c.arg(0, QStringLiteral("procedure")), QStringLiteral("procedure"), &error);
    if (!procedure)
        return error;
    const Dealer::Registration *reg = m_realm.dealer().match(*procedure);
    if (!reg || hidden(c.caller, reg->uri))
        return Reply::ok();
    return Reply::ok(reg->id);
}

static const Dealer::Registration *findRegistration(Realm &realm, const MetaApi::Call &c, MetaApi::Reply *error)
{
    const auto id = idArg(c.arg(0, QStringLiteral("registration_id")), QStringLiteral("registration_id"), error);
    if (!id)
        return nullptr;
    const Dealer::Registration *reg = realm.dealer().registration(*id);
    if (!reg)
        *error = MetaApi::Reply::fail(uris::noSuchRegistration,
                                      QStringLiteral("no registration with ID %1 exists on this dealer").arg(*id));
    return reg;
}

MetaApi::Reply MetaApi::registrationGet(const Call &c)
{
    Reply error;
    const Dealer::Registration *reg = findRegistration(m_realm, c, &error);
    if (!reg)
        return error;
    return Reply::ok(registrationDetails(*reg));
}

MetaApi::Reply MetaApi::registrationCallees(const Call &c, bool count)
{
    Reply error;
    const Dealer::Registration *reg = findRegistration(m_realm, c, &error);
    if (!reg)
        return error;
    if (count)
        return Reply::ok(qint64(reg->callees.size()));
    List ids;
    for (const RouterSession *s : reg->callees)
        ids.append(s->id());
    return Reply::ok(ids);
}

} // namespace wb::router
