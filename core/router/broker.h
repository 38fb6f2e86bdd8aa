// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Publish & subscribe (wamp-notes §10.1, §12.1-12.5). Subscriptions are keyed by (topic, match policy);
// one subscription ID is shared by all its subscribers. Hot path: an EVENT is encoded once per
// (subscription, serializer) and the same bytes go to every subscriber of that subscription using that serializer.

#include "uriindex.h"
#include "wamp/message.h"
#include "wamp/uri.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>

#include <functional>
#include <memory>
#include <unordered_map>

namespace wb::router {

class Realm;
class RouterSession;
struct RouterStats;

class Broker
{
    Q_DISABLE_COPY_MOVE(Broker)
public:
    Broker(Realm &realm, RouterStats &stats);
    ~Broker();

    void onSubscribe(RouterSession &session, const wamp::Message &m);
    void onUnsubscribe(RouterSession &session, const wamp::Message &m);
    void onPublish(RouterSession &session, const wamp::Message &m);
    /// Remove every subscription of a leaving session (empty subscriptions are deleted).
    void removeSession(RouterSession *session);

    /// Publish as the router itself (meta events, testaments): no reserved-URI check, no publisher.
    /// \a options may carry the black/white lists and retain; a bad option drops the event (logged).
    void publishFromRouter(const QString &topic, const wamp::List &args, const wamp::Dict &kwargs,
                           const wamp::Dict &options = {});

    int subscriptionCount() const { return int(m_byId.size()); }
    /// Features announced in WELCOME.Details.roles.broker.features.
    static wamp::Dict features();

    struct Subscription
    {
        quint64 id = 0;
        QString uri;
        wamp::MatchPolicy match = wamp::MatchPolicy::Exact;
        QList<RouterSession *> subscribers; ///< in subscription order
        QDateTime created;                  ///< UTC, for the meta API
        bool pinned = false;                ///< event history: kept without subscribers
    };
    const Subscription *subscription(quint64 id) const;
    const Subscription *lookup(const QString &uri, wamp::MatchPolicy policy) const;
    /// Every subscription an event on \a topic goes to (exact, prefix, wildcard).
    QList<Subscription *> matching(const QString &topic) const;
    /// Every subscription (unordered).
    QList<const Subscription *> all() const;
    QList<const Subscription *> subscriptionsOf(RouterSession *session) const;

private:
    using Acceptor = std::function<bool(const RouterSession &)>;
    void removeSubscriber(Subscription *sub, RouterSession *session);
    Subscription *createSubscription(const QString &topic, wamp::MatchPolicy policy);
    /// Deliver, record history, retain. \a excluded: the publisher with exclude_me; \a accept: black/white lists
    /// (empty = everybody); \a storable: no session-ID lists, so history/retention may keep it.
    void dispatch(const QString &topic, quint64 publication, const wamp::List &args, const wamp::Dict &kwargs,
                  const wamp::Dict &options, const wamp::Dict &publisherDetails, const RouterSession *excluded,
                  const Acceptor &accept, bool storable);
    void sendRetained(RouterSession &session, const Subscription &sub);

    Realm &m_realm;
    RouterStats &m_stats;
    std::unordered_map<quint64, std::unique_ptr<Subscription>> m_byId;
    UriIndex<Subscription> m_index;
    QHash<RouterSession *, QSet<quint64>> m_bySession;
};

} // namespace wb::router
