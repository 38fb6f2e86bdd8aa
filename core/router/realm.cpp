// SPDX-License-Identifier: GPL-3.0-or-later
#include "realm.h"

#include "routersession.h"

namespace wb::router {

Realm::Realm(RealmConfig config, RouterStats &stats, QObject *context)
    : m_config(std::move(config)),
      m_authorizer(m_config.roles),
      m_history(m_config.maxRetained, m_config.maxRetainedBytes),
      m_meta(*this),
      m_broker(*this, stats),
      m_dealer(*this, stats, context)
{
}

Realm::~Realm() = default;

void Realm::attach(RouterSession *session)
{
    m_sessions.insert(session->id(), session);
    m_meta.sessionJoined(*session);
}

void Realm::detach(RouterSession *session)
{
    // Remove from the session table first: the dealer must not send anything to the leaving session.
    m_sessions.remove(session->id());
    m_meta.sessionLeaving(*session); // testaments
    m_broker.removeSession(session);
    m_dealer.removeSession(session);
    m_meta.sessionLeft(*session);    // wamp.session.on_leave
}

} // namespace wb::router
