// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Publish & subscribe (wamp-notes §10.1, §12.1-12.5). Subscriptions are keyed by (topic, match policy);
// one subscription ID is shared by all its subscribers. Hot path: an EVENT is encoded once per
// (subscription, serializer) and the same bytes go to every subscriber of that subscription using that serializer.

#include "wamp/message.h"
#include "wamp/uri.h"

#include <QHash>
#include <QList>
#include <QSet>

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

    int subscriptionCount() const { return int(m_byId.size()); }
    /// Features announced in WELCOME.Details.roles.broker.features.
    static wamp::Dict features();

private:
    struct Subscription
    {
        quint64 id = 0;
        QString uri;
        wamp::MatchPolicy match = wamp::MatchPolicy::Exact;
        QList<RouterSession *> subscribers; ///< in subscription order
    };

    QHash<QString, Subscription *> &index(wamp::MatchPolicy policy);
    void removeSubscriber(Subscription *sub, RouterSession *session);
    quint64 newSubscriptionId() const;

    Realm &m_realm;
    RouterStats &m_stats;
    std::unordered_map<quint64, std::unique_ptr<Subscription>> m_byId;
    QHash<QString, Subscription *> m_exact;
    QHash<QString, Subscription *> m_prefix;
    QHash<QString, Subscription *> m_wildcard;
    QHash<RouterSession *, QSet<quint64>> m_bySession;
};

} // namespace wb::router
