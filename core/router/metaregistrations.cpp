// SPDX-License-Identifier: GPL-3.0-or-later
// Meta API: registration procedures and events (wamp.registration.*, wamp-notes §13.3).
#include "metaapi.h"

#include "metaapi_p.h"

namespace wb::router {

using namespace wb::wamp;
using namespace wb::router::metadetail;

namespace {
Dict registrationDetails(const Dealer::Registration &reg)
{
    return Dict{{QStringLiteral("id"), reg.id},
                {QStringLiteral("created"), isoTime(reg.created)},
                {QStringLiteral("uri"), reg.uri},
                {QStringLiteral("match"), matchPolicyName(reg.match)},
                {QStringLiteral("invoke"), Dealer::invokePolicyName(reg.invoke)}};
}

const Dealer::Registration *findRegistration(Realm &realm, const MetaApi::Call &c, MetaApi::Reply *error)
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
} // namespace

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
    Dealer &dealer = m_realm.dealer();
    return lookupByPolicy<Dealer::Registration>(
        c, QStringLiteral("procedure"), [&](const QString &uri, MatchPolicy policy) { return dealer.lookup(uri, policy); });
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
