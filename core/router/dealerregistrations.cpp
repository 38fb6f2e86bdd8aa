// SPDX-License-Identifier: GPL-3.0-or-later
// Dealer: registrations (REGISTER / UNREGISTER, the (uri, match) index, invoke policies, callee choice, caller
// disclosure) and the read access the meta API uses.
#include "dealer.h"

#include "dealer_p.h"
#include "metaapi.h"
#include "realm.h"
#include "routersession.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QRandomGenerator>

namespace wb::router {

using namespace wb::wamp;

namespace {
// Crossbar's URI (wamp-notes §6.2, §6.3).
const QString kDifferentPolicy = QStringLiteral("wamp.error.procedure_exists_with_different_invocation_policy");
} // namespace

std::optional<Dealer::InvokePolicy> Dealer::parseInvokePolicy(const QString &name)
{
    if (name == u"single")
        return InvokePolicy::Single;
    if (name == u"roundrobin")
        return InvokePolicy::RoundRobin;
    if (name == u"random")
        return InvokePolicy::Random;
    if (name == u"first")
        return InvokePolicy::First;
    if (name == u"last")
        return InvokePolicy::Last;
    return std::nullopt;
}

QString Dealer::invokePolicyName(InvokePolicy policy)
{
    switch (policy) {
    case InvokePolicy::RoundRobin: return QStringLiteral("roundrobin");
    case InvokePolicy::Random: return QStringLiteral("random");
    case InvokePolicy::First: return QStringLiteral("first");
    case InvokePolicy::Last: return QStringLiteral("last");
    case InvokePolicy::Single: break;
    }
    return QStringLiteral("single");
}

Dealer::Registration *Dealer::bestMatch(const QString &uri) const
{
    // Precedence (wamp-notes §11.6): exact > longest prefix > best wildcard, ties by pattern (see UriIndex).
    return m_index.bestMatch(uri);
}

void Dealer::onRegister(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const Dict options = m.dict();
    const QString procedure = m.uri();
    const std::optional<MatchPolicy> policy = parseMatchOption(session, MessageType::Register, request, options, procedure);
    if (!policy)
        return;
    if (isReservedUri(procedure)) {
        session.send(Message::error(MessageType::Register, request, {}, uris::invalidUri,
                                    {QStringLiteral("procedure \"%1\" is in the reserved \"wamp.\" namespace").arg(procedure)}));
        return;
    }
    const Value invokeValue = options.value(QStringLiteral("invoke"));
    std::optional<InvokePolicy> invoke = InvokePolicy::Single;
    if (!invokeValue.isNull())
        invoke = invokeValue.isString() ? parseInvokePolicy(invokeValue.toString()) : std::nullopt;
    if (!invoke) {
        session.send(Message::error(
            MessageType::Register, request, {}, uris::invalidArgument,
            {QStringLiteral("option invoke must be \"single\", \"roundrobin\", \"random\", \"first\" or \"last\", got %1")
                 .arg(invokeValue.toDebugString())}));
        return;
    }
    Registration *reg = m_index.find(procedure, *policy);
    if (reg) {
        // Shared registration (wamp-notes §11.7): the first registrant fixes the policy; "single" admits nobody else.
        if (reg->invoke == InvokePolicy::Single || reg->callees.contains(&session)) {
            session.send(Message::error(MessageType::Register, request, {}, uris::procedureAlreadyExists,
                                        {QStringLiteral("procedure \"%1\" (match %2) is already registered")
                                             .arg(procedure, matchPolicyName(reg->match))}));
            return;
        }
        if (reg->invoke != *invoke) {
            session.send(Message::error(MessageType::Register, request, {}, kDifferentPolicy,
                                        {QStringLiteral("procedure \"%1\" is registered with invoke policy %2, not %3")
                                             .arg(procedure, invokePolicyName(reg->invoke), invokePolicyName(*invoke))}));
            return;
        }
    } else {
        auto owned = std::make_unique<Registration>();
        owned->id = unusedRandomId(m_byId);
        owned->uri = procedure;
        owned->match = *policy;
        owned->invoke = *invoke;
        owned->created = QDateTime::currentDateTimeUtc();
        reg = owned.get();
        m_byId.emplace(reg->id, std::move(owned));
        m_index.insert(procedure, *policy, reg);
    }
    reg->callees.append(&session);
    if (options.value(QStringLiteral("disclose_caller")).toBool())
        reg->discloseCaller.insert(&session);
    if (options.value(QStringLiteral("forward_timeout")).toBool())
        reg->forwardTimeout.insert(&session);
    m_bySession[&session].insert(reg->id);
    session.send(Message::registered(request, reg->id));
    m_realm.meta().registered(session, *reg, reg->callees.size() == 1);
}

const Dealer::Registration *Dealer::registration(quint64 id) const
{
    const auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : it->second.get();
}

const Dealer::Registration *Dealer::lookup(const QString &uri, MatchPolicy policy) const
{
    return m_index.find(uri, policy);
}

QList<const Dealer::Registration *> Dealer::all() const
{
    QList<const Registration *> out;
    out.reserve(qsizetype(m_byId.size()));
    for (const auto &[id, reg] : m_byId)
        out.append(reg.get());
    return out;
}

QList<const Dealer::Registration *> Dealer::registrationsOf(RouterSession *session) const
{
    QList<const Registration *> out;
    for (quint64 id : m_bySession.value(session)) {
        if (const Registration *reg = registration(id))
            out.append(reg);
    }
    return out;
}

void Dealer::removeCallee(Registration *reg, RouterSession *session)
{
    const qsizetype pos = reg->callees.indexOf(session);
    if (pos < 0)
        return;
    reg->callees.removeAt(pos);
    reg->discloseCaller.remove(session);
    reg->forwardTimeout.remove(session);
    if (quint64(pos) < reg->roundRobin) // keep the roundrobin cursor on the same next callee
        --reg->roundRobin;
    m_realm.meta().unregistered(*session, *reg, reg->callees.isEmpty());
    if (reg->callees.isEmpty()) {
        m_index.remove(reg->uri, reg->match);
        m_byId.erase(reg->id); // deletes reg
    }
}

void Dealer::onUnregister(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const quint64 regId = m.at(2).toUInt64().value_or(0);
    const auto it = m_byId.find(regId);
    if (it == m_byId.end() || !it->second->callees.contains(&session)) {
        session.send(Message::error(MessageType::Unregister, request, {}, uris::noSuchRegistration,
                                    {QStringLiteral("no registration %1 held by this session").arg(regId)}));
        return;
    }
    auto bs = m_bySession.find(&session);
    if (bs != m_bySession.end()) {
        bs->remove(regId);
        if (bs->isEmpty())
            m_bySession.erase(bs);
    }
    // Invocations already sent stay pending: the callee may still answer them.
    removeCallee(it->second.get(), &session);
    session.send(Message::unregistered(request));
}

RouterSession *Dealer::pickCallee(Registration &reg)
{
    const qsizetype n = reg.callees.size();
    if (n == 0)
        return nullptr;
    switch (reg.invoke) {
    case InvokePolicy::RoundRobin: {
        const quint64 i = reg.roundRobin % quint64(n);
        reg.roundRobin = i + 1;
        return reg.callees.at(qsizetype(i));
    }
    case InvokePolicy::Random: return reg.callees.at(qsizetype(QRandomGenerator::global()->bounded(quint64(n))));
    case InvokePolicy::Last: return reg.callees.constLast();
    case InvokePolicy::First:
    case InvokePolicy::Single: break;
    }
    return reg.callees.constFirst();
}

bool Dealer::discloseCaller(const Registration &reg, RouterSession *callee, bool requested) const
{
    const QString &policy = m_realm.config().discloseCaller;
    if (policy == u"always")
        return true;
    if (policy == u"never")
        return false;
    return requested || reg.discloseCaller.contains(callee);
}

} // namespace wb::router
