// SPDX-License-Identifier: GPL-3.0-or-later
#include "dealer.h"

#include "metaapi.h"
#include "realm.h"
#include "router.h"
#include "routerlog.h"
#include "routersession.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

namespace wb::router {

using namespace wb::wamp;

namespace {
const QString kCallee = QStringLiteral("callee");
const QString kCallCanceling = QStringLiteral("call_canceling");
const QString kCallCancelling = QStringLiteral("call_cancelling"); // spelling seen in the wild (wamp-notes §5.4)
const QString kProgressive = QStringLiteral("progressive_call_results");

bool supportsCanceling(const RouterSession &s)
{
    return s.hasFeature(kCallee, kCallCanceling) || s.hasFeature(kCallee, kCallCancelling);
}
} // namespace

Dealer::Dealer(Realm &realm, RouterStats &stats) : m_realm(realm), m_stats(stats) {}

Dealer::~Dealer() = default;

Dict Dealer::features()
{
    return Dict{
        {QStringLiteral("caller_identification"), true},
        {QStringLiteral("pattern_based_registration"), true},
        {QStringLiteral("progressive_call_results"), true},
        {QStringLiteral("call_canceling"), true},
        {QStringLiteral("session_meta_api"), true},
        {QStringLiteral("registration_meta_api"), true},
        {QStringLiteral("testament_meta_api"), true},
    };
}

QHash<QString, Dealer::Registration *> &Dealer::index(MatchPolicy policy)
{
    switch (policy) {
    case MatchPolicy::Prefix: return m_prefix;
    case MatchPolicy::Wildcard: return m_wildcard;
    case MatchPolicy::Exact: break;
    }
    return m_exact;
}

quint64 Dealer::newRegistrationId() const
{
    quint64 id = randomId();
    while (m_byId.count(id))
        id = randomId();
    return id;
}

Dealer::Registration *Dealer::bestMatch(const QString &uri) const
{
    // Precedence (wamp-notes §11.6): exact > longest prefix > best wildcard.
    if (Registration *r = m_exact.value(uri))
        return r;
    Registration *best = nullptr;
    for (auto it = m_prefix.cbegin(); it != m_prefix.cend(); ++it) {
        if (uri.startsWith(it.key()) && (!best || it.key().size() > best->uri.size()))
            best = it.value();
    }
    if (best)
        return best;
    for (auto it = m_wildcard.cbegin(); it != m_wildcard.cend(); ++it) {
        if (!uriMatches(uri, it.key(), MatchPolicy::Wildcard))
            continue;
        // Ties (neither beats the other) are broken by URI so the choice does not depend on hash order.
        if (!best || wildcardBeats(it.key(), best->uri)
            || (!wildcardBeats(best->uri, it.key()) && it.key() < best->uri))
            best = it.value();
    }
    return best;
}

void Dealer::onRegister(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const Dict options = m.dict();
    const QString procedure = m.uri();
    const Value matchValue = options.value(QStringLiteral("match"));
    std::optional<MatchPolicy> policy = MatchPolicy::Exact;
    if (!matchValue.isNull())
        policy = matchValue.isString() ? parseMatchPolicy(matchValue.toString()) : std::nullopt;
    if (!policy) {
        session.send(Message::error(MessageType::Register, request, {}, uris::invalidArgument,
                                    {QStringLiteral("option match must be \"exact\", \"prefix\" or \"wildcard\", got %1")
                                         .arg(matchValue.toDebugString())}));
        return;
    }
    const QString problem = uriProblem(procedure, UriStrictness::Loose, emptyComponentsFor(*policy));
    if (!problem.isEmpty()) {
        session.send(Message::error(MessageType::Register, request, {}, uris::invalidUri, {problem}));
        return;
    }
    if (isReservedUri(procedure)) {
        session.send(Message::error(MessageType::Register, request, {}, uris::invalidUri,
                                    {QStringLiteral("procedure \"%1\" is in the reserved \"wamp.\" namespace").arg(procedure)}));
        return;
    }
    QHash<QString, Registration *> &idx = index(*policy);
    if (Registration *existing = idx.value(procedure)) {
        // Shared registrations (invoke != single) are not implemented yet: one callee per registration.
        session.send(Message::error(MessageType::Register, request, {}, uris::procedureAlreadyExists,
                                    {QStringLiteral("procedure \"%1\" (match %2) is already registered")
                                         .arg(procedure, matchPolicyName(existing->match))}));
        return;
    }
    auto owned = std::make_unique<Registration>();
    owned->id = newRegistrationId();
    owned->uri = procedure;
    owned->match = *policy;
    owned->callees.append(&session);
    owned->discloseCaller = options.value(QStringLiteral("disclose_caller")).toBool();
    owned->created = QDateTime::currentDateTimeUtc();
    Registration *reg = owned.get();
    m_byId.emplace(reg->id, std::move(owned));
    idx.insert(procedure, reg);
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
    switch (policy) {
    case MatchPolicy::Prefix: return m_prefix.value(uri);
    case MatchPolicy::Wildcard: return m_wildcard.value(uri);
    case MatchPolicy::Exact: break;
    }
    return m_exact.value(uri);
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
    reg->callees.removeOne(session);
    m_realm.meta().unregistered(*session, *reg, reg->callees.isEmpty());
    if (reg->callees.isEmpty()) {
        index(reg->match).remove(reg->uri);
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

void Dealer::sendCallError(quint64 callerId, quint64 callRequestId, const QString &error, const List &args,
                           const Dict &kwargs)
{
    if (RouterSession *caller = m_realm.session(callerId))
        caller->send(Message::error(MessageType::Call, callRequestId, {}, error, args, kwargs));
}

void Dealer::onCall(RouterSession &caller, const Message &m)
{
    const quint64 request = m.requestId();
    const Key callerKey{caller.id(), request};
    if (m_byCaller.contains(callerKey)) {
        caller.protocolViolation(QStringLiteral("CALL request ID %1 is already used by a pending call").arg(request));
        return;
    }
    const QString procedure = m.uri();
    const QString problem = uriProblem(procedure);
    if (!problem.isEmpty()) {
        caller.send(Message::error(MessageType::Call, request, {}, uris::invalidUri, {problem}));
        return;
    }
    if (m_realm.meta().handleCall(caller, m))
        return; // a meta procedure served by the router itself (wamp-notes §13)
    Registration *reg = bestMatch(procedure);
    if (!reg || reg->callees.isEmpty()) {
        caller.send(Message::error(MessageType::Call, request, {}, uris::noSuchProcedure,
                                   {QStringLiteral("no callee registered for procedure '%1'").arg(procedure)}));
        return;
    }
    RouterSession *callee = reg->callees.constFirst();
    const Dict options = m.dict();

    Invocation inv;
    inv.callerId = caller.id();
    inv.callRequestId = request;
    inv.calleeId = callee->id();
    inv.invocationId = callee->nextInvocationId();

    Dict details;
    if (reg->match != MatchPolicy::Exact)
        details.insert(QStringLiteral("procedure"), procedure);
    // Progressive results only reach a callee that announced them (wamp-notes §11.1); otherwise the
    // caller simply gets the final result.
    if (options.value(QStringLiteral("receive_progress")).toBool() && callee->hasFeature(kCallee, kProgressive)) {
        details.insert(QStringLiteral("receive_progress"), true);
        inv.progressive = true;
    }
    if (reg->discloseCaller || options.value(QStringLiteral("disclose_me")).toBool()) {
        details.insert(QStringLiteral("caller"), caller.id());
        details.insert(QStringLiteral("caller_authid"), caller.info().authid);
        details.insert(QStringLiteral("caller_authrole"), caller.info().authrole);
    }

    const Key calleeKey{inv.calleeId, inv.invocationId};
    m_byCallee.insert(calleeKey, inv);
    m_byCaller.insert(callerKey, calleeKey);
    ++m_stats.calls;
    // The payload is forwarded unchanged (never re-wrapped).
    const auto sent = callee->send(Message::invocation(inv.invocationId, reg->id, details, m.args(), m.kwargs()));
    if (sent == RouterSession::SendResult::Sent)
        return;
    m_byCallee.remove(calleeKey);
    m_byCaller.remove(callerKey);
    if (sent == RouterSession::SendResult::TooLarge)
        caller.send(Message::error(MessageType::Call, request, {}, uris::payloadSizeExceeded,
                                   {QStringLiteral("the call is larger than the callee's transport accepts")}));
    else
        caller.send(Message::error(MessageType::Call, request, {}, uris::canceled,
                                   {QStringLiteral("callee left before answering")}));
}

void Dealer::onCancel(RouterSession &caller, const Message &m)
{
    const Key callerKey{caller.id(), m.requestId()};
    const auto ck = m_byCaller.constFind(callerKey);
    if (ck == m_byCaller.constEnd())
        return; // unknown or finished call: ignore (wamp-notes §11.4)
    const Key calleeKey = *ck;
    auto it = m_byCallee.find(calleeKey);
    if (it == m_byCallee.end())
        return;
    const Value modeValue = m.dict().value(QStringLiteral("mode"));
    QString mode = modeValue.isString() ? modeValue.toString() : QStringLiteral("killnowait"); // no spec default
    if (mode != u"skip" && mode != u"kill" && mode != u"killnowait") {
        qCInfo(lcRouter) << "session" << caller.id() << "CANCEL with unknown mode" << modeValue.toDebugString()
                         << "- using killnowait";
        mode = QStringLiteral("killnowait");
    }
    RouterSession *callee = m_realm.session(it->calleeId);
    // A callee that did not announce call_canceling never receives INTERRUPT: fall back to skip.
    if (!callee || !supportsCanceling(*callee))
        mode = QStringLiteral("skip");

    if (mode == u"kill") {
        if (it->killRequested)
            return; // repeated CANCEL
        it->killRequested = true;
        callee->send(Message::interrupt(it->invocationId, {{QStringLiteral("mode"), QStringLiteral("kill")}}));
        return; // the callee's ERROR (or a YIELD if it finished first) answers the caller
    }
    const Invocation inv = *it;
    finishInvocation(inv);
    if (mode == u"killnowait" && callee)
        callee->send(Message::interrupt(inv.invocationId, {{QStringLiteral("mode"), QStringLiteral("killnowait")}}));
    caller.send(Message::error(MessageType::Call, inv.callRequestId, {}, uris::canceled,
                               {QStringLiteral("canceled by the caller")}));
}

Dealer::Invocation *Dealer::invocationFor(RouterSession &callee, const Message &m, bool *violated)
{
    *violated = false;
    const quint64 id = m.requestId();
    auto it = m_byCallee.find(Key{callee.id(), id});
    if (it != m_byCallee.end())
        return &*it;
    // INVOCATION IDs are sequential per callee: anything above the last one issued was never sent to it.
    if (id > callee.lastInvocationId()) {
        *violated = true;
        callee.protocolViolation(QStringLiteral("%1 for invocation %2, which was never sent to this session")
                                     .arg(m.typeName())
                                     .arg(id));
    } else {
        qCDebug(lcRouter) << "session" << callee.id() << "late" << m.typeName() << "for invocation" << id << "discarded";
    }
    return nullptr;
}

void Dealer::finishInvocation(const Invocation &inv)
{
    m_byCaller.remove(Key{inv.callerId, inv.callRequestId});
    m_byCallee.remove(Key{inv.calleeId, inv.invocationId});
}

void Dealer::onYield(RouterSession &callee, const Message &m)
{
    bool violated = false;
    Invocation *inv = invocationFor(callee, m, &violated);
    if (!inv)
        return;
    const bool progress = m.dict().value(QStringLiteral("progress")).toBool();
    RouterSession *caller = m_realm.session(inv->callerId);
    if (progress) {
        if (!inv->progressive) {
            qCDebug(lcRouter) << "session" << callee.id() << "progressive YIELD without receive_progress discarded";
            return;
        }
        if (caller)
            caller->send(Message::result(inv->callRequestId, {{QStringLiteral("progress"), true}}, m.args(), m.kwargs()));
        return;
    }
    const Invocation done = *inv;
    finishInvocation(done);
    if (!caller)
        return;
    const auto sent = caller->send(Message::result(done.callRequestId, {}, m.args(), m.kwargs()));
    if (sent == RouterSession::SendResult::TooLarge)
        caller->send(Message::error(MessageType::Call, done.callRequestId, {}, uris::payloadSizeExceeded,
                                    {QStringLiteral("the result is larger than the caller's transport accepts")}));
}

void Dealer::onInvocationError(RouterSession &callee, const Message &m)
{
    bool violated = false;
    Invocation *inv = invocationFor(callee, m, &violated);
    if (!inv)
        return;
    const Invocation done = *inv;
    finishInvocation(done);
    // URI, args and kwargs intact; ERROR.Details is not forwarded (as Crossbar does).
    RouterSession *caller = m_realm.session(done.callerId);
    if (!caller)
        return;
    const auto sent = caller->send(Message::error(MessageType::Call, done.callRequestId, {}, m.uri(), m.args(), m.kwargs()));
    if (sent == RouterSession::SendResult::TooLarge)
        caller->send(Message::error(MessageType::Call, done.callRequestId, {}, uris::payloadSizeExceeded,
                                    {QStringLiteral("the error is larger than the caller's transport accepts")}));
}

void Dealer::removeSession(RouterSession *session)
{
    const QSet<quint64> ids = m_bySession.take(session);
    for (quint64 id : ids) {
        const auto it = m_byId.find(id);
        if (it != m_byId.end())
            removeCallee(it->second.get(), session);
    }

    const quint64 sid = session->id();
    QList<Invocation> asCallee, asCaller;
    for (auto it = m_byCallee.cbegin(); it != m_byCallee.cend(); ++it) {
        if (it->calleeId == sid)
            asCallee.append(*it);
        else if (it->callerId == sid)
            asCaller.append(*it);
    }
    for (const Invocation &inv : std::as_const(asCallee)) {
        finishInvocation(inv);
        if (inv.callerId != sid)
            sendCallError(inv.callerId, inv.callRequestId, uris::canceled, {QStringLiteral("callee left before answering")});
    }
    for (const Invocation &inv : std::as_const(asCaller)) {
        finishInvocation(inv);
        // Forget the call; tell the callee to stop if it can be told (wamp-notes §10.2).
        RouterSession *callee = m_realm.session(inv.calleeId);
        if (callee && callee->isEstablished() && supportsCanceling(*callee))
            callee->send(Message::interrupt(inv.invocationId, {{QStringLiteral("mode"), QStringLiteral("killnowait")}}));
    }
}

} // namespace wb::router
