// SPDX-License-Identifier: GPL-3.0-or-later
#include "realm.h"

#include "routersession.h"

namespace wb::router {

Realm::Realm(RealmConfig config, RouterStats &stats)
    : m_config(std::move(config)), m_broker(*this, stats), m_dealer(*this, stats)
{
}

Realm::~Realm() = default;

void Realm::attach(RouterSession *session)
{
    m_sessions.insert(session->id(), session);
}

void Realm::detach(RouterSession *session)
{
    // Remove from the session table first: the dealer must not send anything to the leaving session.
    m_sessions.remove(session->id());
    m_broker.removeSession(session);
    m_dealer.removeSession(session);
}

} // namespace wb::router
