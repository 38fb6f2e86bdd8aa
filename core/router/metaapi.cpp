// SPDX-License-Identifier: GPL-3.0-or-later
// The meta API: dispatch of wamp.* CALLs and the shared argument helpers. The procedures and events live in
// metasessions.cpp (sessions, testaments), metasubscriptions.cpp and metaregistrations.cpp.
#include "metaapi.h"

#include "metaapi_p.h"
#include "wamp/ids.h"
#include "wamp/uri.h"

#include <functional>

namespace wb::router {

using namespace wb::wamp;

namespace metadetail {

QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
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

} // namespace metadetail

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

} // namespace wb::router
