// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A realm: the sessions joined to it plus its broker and dealer. Messages are routed only inside a realm.

#include "authorizer.h"
#include "broker.h"
#include "dealer.h"
#include "eventhistory.h"
#include "metaapi.h"
#include "routerconfig.h"

#include <QHash>

namespace wb::router {

class RouterSession;
struct RouterStats;

class Realm
{
    Q_DISABLE_COPY_MOVE(Realm)
public:
    /// \a context: the Router; the realm's timers live on its thread (they follow it through moveToThread).
    Realm(RealmConfig config, RouterStats &stats, QObject *context);
    ~Realm();

    const QString &name() const { return m_config.name; }
    const RealmConfig &config() const { return m_config; }
    Broker &broker() { return m_broker; }
    Dealer &dealer() { return m_dealer; }
    MetaApi &meta() { return m_meta; }
    EventHistory &history() { return m_history; }
    const Authorizer &authorizer() const { return m_authorizer; }

    void attach(RouterSession *session);
    /// The session left: drops its subscriptions and registrations, settles its pending calls.
    void detach(RouterSession *session);
    /// A joined session by ID (nullptr when it has left).
    RouterSession *session(quint64 id) const { return m_sessions.value(id); }
    int sessionCount() const { return int(m_sessions.size()); }
    QList<RouterSession *> sessions() const { return m_sessions.values(); }

private:
    RealmConfig m_config;
    Authorizer m_authorizer;
    QHash<quint64, RouterSession *> m_sessions;
    EventHistory m_history; // before the broker, which creates the history subscriptions
    MetaApi m_meta;
    Broker m_broker;
    Dealer m_dealer;
};

} // namespace wb::router
