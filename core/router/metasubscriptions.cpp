// SPDX-License-Identifier: GPL-3.0-or-later
// Meta API: subscription procedures and events (wamp.subscription.*, wamp-notes §13.2) and event history.
#include "metaapi.h"

#include "metaapi_p.h"
#include "eventhistory.h"

namespace wb::router {

using namespace wb::wamp;
using namespace wb::router::metadetail;

namespace {
const QString kHistoryUnavailable = QStringLiteral("wamp.error.history_unavailable");

Dict subscriptionDetails(const Broker::Subscription &sub)
{
    return Dict{{QStringLiteral("id"), sub.id},
                {QStringLiteral("created"), isoTime(sub.created)},
                {QStringLiteral("uri"), sub.uri},
                {QStringLiteral("match"), matchPolicyName(sub.match)}};
}

const Broker::Subscription *findSubscription(Realm &realm, const MetaApi::Call &c, MetaApi::Reply *error)
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
} // namespace

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

MetaApi::Reply MetaApi::subscriptionList(const Call &c)
{
    Broker &broker = m_realm.broker();
    return listByPolicy<Broker::Subscription>(
        c, [&](RouterSession *s) { return broker.subscriptionsOf(s); }, [&] { return broker.all(); });
}

MetaApi::Reply MetaApi::subscriptionLookup(const Call &c)
{
    Broker &broker = m_realm.broker();
    return lookupByPolicy<Broker::Subscription>(
        c, QStringLiteral("topic"), [&](const QString &uri, MatchPolicy policy) { return broker.lookup(uri, policy); });
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

} // namespace wb::router
