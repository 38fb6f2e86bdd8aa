// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The WAMP meta API served by the router itself (wamp-notes §13), in Crossbar's shapes:
//  - session: wamp.session.{count,list,get,kill,kill_by_authid,kill_by_authrole} and the events
//    wamp.session.on_join [details] / on_leave [session] (Crossbar sends only the ID);
//  - subscription: wamp.subscription.{list,lookup,match,get,list_subscribers,count_subscribers,get_events} and
//    on_create [session, details] / on_subscribe / on_unsubscribe / on_delete [session, id];
//  - registration: wamp.registration.{list,lookup,match,get,list_callees,count_callees} and the same four events;
//  - testament: wamp.session.add_testament / flush_testaments, published when the session goes away.
//
// Meta procedures are answered by the dealer before any registration is looked up (clients cannot register
// "wamp." URIs anyway). Arguments bind like Crossbar's Python signatures: positionally or by keyword name.
// Meta events go through the broker, so every subscription (also prefix/wildcard) receives them; subscriptions
// to "wamp." topics produce no subscription meta events and are hidden from non-"trusted" callers, as in Crossbar.

#include "broker.h"
#include "dealer.h"
#include "wamp/message.h"

#include <QHash>

namespace wb::router {

class Realm;
class RouterSession;

class MetaApi
{
    Q_DISABLE_COPY_MOVE(MetaApi)
public:
    explicit MetaApi(Realm &realm);
    ~MetaApi();

    /// A CALL to a meta procedure: answer it and return true. Other URIs: false (the dealer routes them).
    bool handleCall(RouterSession &caller, const wamp::Message &call);

    // ---- hooks (called by Realm, Broker and Dealer) ----
    void sessionJoined(RouterSession &session);
    /// Before the session's subscriptions and registrations are dropped: publish its testaments.
    void sessionLeaving(RouterSession &session);
    /// After the cleanup: wamp.session.on_leave.
    void sessionLeft(RouterSession &session);
    void subscribed(RouterSession &session, const Broker::Subscription &sub, bool created);
    void unsubscribed(RouterSession &session, const Broker::Subscription &sub, bool deleted);
    void registered(RouterSession &session, const Dealer::Registration &reg, bool created);
    void unregistered(RouterSession &session, const Dealer::Registration &reg, bool deleted);

    /// The session details dict of wamp.session.get / on_join.
    static wamp::Dict sessionDetails(const RouterSession &session);
    int testamentCount(quint64 sessionId) const;

    /// Testaments kept per session and scope (more: wamp.error.testament_error).
    static constexpr int kMaxTestaments = 64;

    struct Call;
    struct Reply;

private:
    struct Testament
    {
        QString topic;
        wamp::List args;
        wamp::Dict kwargs;
        wamp::Dict options;
    };
    struct Testaments
    {
        QList<Testament> detached, destroyed;
    };

    void publish(const QString &topic, const wamp::List &args);
    bool hidden(const RouterSession &caller, const QString &uri) const;
    QList<RouterSession *> joinedSessions() const;

    Reply sessionCount(const Call &c);
    Reply sessionList(const Call &c);
    Reply sessionGet(const Call &c);
    Reply sessionKill(const Call &c);
    Reply sessionKillBy(const Call &c, bool byAuthid);
    Reply addTestament(const Call &c);
    Reply flushTestaments(const Call &c);
    /// wamp.subscription.list / wamp.registration.list: all items, or those of session_id, grouped by match policy.
    template <typename Item, typename OfSession, typename All>
    Reply listByPolicy(const Call &c, OfSession ofSession, All all) const;
    /// wamp.subscription.lookup / wamp.registration.lookup: the ID stored under (uri argument \a uriName,
    /// options.match), or null.
    template <typename Item, typename Lookup>
    Reply lookupByPolicy(const Call &c, const QString &uriName, Lookup lookup) const;
    Reply subscriptionList(const Call &c);
    Reply subscriptionLookup(const Call &c);
    Reply subscriptionMatch(const Call &c);
    Reply subscriptionGet(const Call &c);
    Reply subscriptionSubscribers(const Call &c, bool count);
    Reply subscriptionGetEvents(const Call &c);
    Reply registrationList(const Call &c);
    Reply registrationLookup(const Call &c);
    Reply registrationMatch(const Call &c);
    Reply registrationGet(const Call &c);
    Reply registrationCallees(const Call &c, bool count);

    Realm &m_realm;
    QHash<quint64, Testaments> m_testaments;
};

} // namespace wb::router
