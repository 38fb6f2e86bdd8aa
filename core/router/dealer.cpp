// SPDX-License-Identifier: GPL-3.0-or-later
// Dealer: CALL / YIELD / ERROR / CANCEL routing and leaving sessions. Registrations: dealerregistrations.cpp;
// call timeouts: dealertimeouts.cpp.
#include "dealer.h"

#include "dealer_p.h"
#include "metaapi.h"
#include "realm.h"
#include "routersession.h"
#include "wamp/errors.h"
#include "router.h"
#include "routerlogging.h"

#include <limits>

namespace wb::router {

using namespace wb::wamp;
using namespace wb::router::dealerdetail;

namespace {
const QString kCaller = QStringLiteral("caller");
const QString kProgressive = QStringLiteral("progressive_call_results");
const QString kProgressiveCalls = QStringLiteral("progressive_calls"); // older name (Bondy, CppWAMP)
const QString kProgress = QStringLiteral("progress");
// Crossbar's URI (wamp-notes §6.2, §6.3).
const QString kDiscloseMeDisallowed = QStringLiteral("wamp.error.option_disallowed.disclose_me");
constexpr int kRecentStreams = 64; ///< finished progressive-invocation calls remembered per caller

bool supportsProgressiveInvocations(const RouterSession &s, const QString &role)
{
    return s.hasFeature(role, kProgressiveInvocations) || s.hasFeature(role, kProgressiveCalls);
}

} // namespace

Dealer::Dealer(Realm &realm, RouterStats &stats, QObject *timerParent)
    : m_realm(realm), m_stats(stats), m_timerHost(std::make_unique<TimerHost>(*this, timerParent))
{
}

Dealer::~Dealer() = default;

Dict Dealer::features()
{
    return Dict{
        {QStringLiteral("caller_identification"), true},
        {QStringLiteral("pattern_based_registration"), true},
        {QStringLiteral("shared_registration"), true},
        {QStringLiteral("progressive_call_results"), true},
        {kProgressiveInvocations, true},
        {kCallTimeout, true},
        {QStringLiteral("call_canceling"), true},
        {QStringLiteral("session_meta_api"), true},
        {QStringLiteral("registration_meta_api"), true},
        {QStringLiteral("testament_meta_api"), true},
    };
}

void Dealer::sendCallError(quint64 callerId, quint64 callRequestId, const QString &error, const List &args,
                           const Dict &kwargs)
{
    if (RouterSession *caller = m_realm.session(callerId))
        caller->send(Message::error(MessageType::Call, callRequestId, {}, error, args, kwargs));
}

void Dealer::rememberStream(quint64 callerId, quint64 callRequestId)
{
    QList<quint64> &recent = m_recentStreams[callerId];
    if (recent.contains(callRequestId))
        return;
    if (recent.size() >= kRecentStreams)
        recent.removeFirst();
    recent.append(callRequestId);
}

bool Dealer::isRecentStream(quint64 callerId, quint64 callRequestId) const
{
    const auto it = m_recentStreams.constFind(callerId);
    return it != m_recentStreams.constEnd() && it->contains(callRequestId);
}

void Dealer::onCallChunk(RouterSession &caller, const Message &m, Invocation &inv)
{
    // A continuation of a progressive call invocation (wamp-notes §11.2): same callee, same INVOCATION ID; the
    // options of the first CALL stay in force, later chunks only carry progress.
    const bool more = m.dict().value(kProgress).toBool();
    RouterSession *callee = m_realm.session(inv.calleeId);
    if (!callee)
        return;
    Dict details;
    if (more)
        details.insert(kProgress, true);
    else
        inv.inputOpen = false;
    const auto sent = callee->send(Message::invocation(inv.invocationId, inv.registrationId, details, m.args(), m.kwargs()));
    if (sent == RouterSession::SendResult::Sent)
        return;
    const Invocation done = inv;
    finishInvocation(done);
    if (sent == RouterSession::SendResult::TooLarge) {
        if (supportsCanceling(*callee))
            callee->send(Message::interrupt(done.invocationId, interruptOptions(QStringLiteral("killnowait"), uris::canceled)));
        caller.send(Message::error(MessageType::Call, done.callRequestId, {}, uris::payloadSizeExceeded,
                                   {QStringLiteral("a call chunk is larger than the callee's transport accepts")}));
    } else {
        caller.send(Message::error(MessageType::Call, done.callRequestId, {}, uris::canceled,
                                   {QStringLiteral("callee left before answering")}));
    }
}

void Dealer::onCall(RouterSession &caller, const Message &m)
{
    const quint64 request = m.requestId();
    const Key callerKey{caller.id(), request};
    const Dict options = m.dict();
    const Value progressValue = options.value(kProgress);
    const bool progressChunk = progressValue.toBool();
    if (progressChunk && !supportsProgressiveInvocations(caller, kCaller)) {
        caller.protocolViolation(QStringLiteral("CALL with progress=true, but the caller did not announce %1")
                                     .arg(kProgressiveInvocations));
        return;
    }
    if (const auto ck = m_byCaller.constFind(callerKey); ck != m_byCaller.constEnd()) {
        auto it = m_byCallee.find(*ck);
        if (it != m_byCallee.end() && it->inputOpen)
            return onCallChunk(caller, m, *it);
        caller.protocolViolation(QStringLiteral("CALL request ID %1 is already used by a pending call").arg(request));
        return;
    }
    if (isRecentStream(caller.id(), request)) {
        // A late chunk of a progressive call invocation that has completed: silently discarded (wamp-notes §11.2).
        qCDebug(lcRouter) << "session" << caller.id() << "late CALL chunk for finished call" << request << "discarded";
        return;
    }
    // Any error answer to the first chunk of a stream also ends it: later chunks are then discarded.
    auto fail = [&](const QString &error, const QString &text) {
        if (progressChunk)
            rememberStream(caller.id(), request);
        caller.send(Message::error(MessageType::Call, request, {}, error, {text}));
    };
    if (!progressValue.isNull() && !progressValue.isBool())
        return fail(uris::invalidArgument, QStringLiteral("option progress must be a boolean"));
    const QString procedure = m.uri();
    const QString problem = uriProblem(procedure);
    if (!problem.isEmpty())
        return fail(uris::invalidUri, problem);
    int timeoutMs = 0;
    const Value timeoutValue = options.value(QStringLiteral("timeout"));
    if (!timeoutValue.isNull()) {
        const std::optional<quint64> t = timeoutValue.isDouble() && timeoutValue.toDouble() >= 0
                                             ? std::optional<quint64>(quint64(timeoutValue.toDouble()))
                                             : timeoutValue.toUInt64();
        if (!t || *t > quint64(std::numeric_limits<int>::max()))
            return fail(uris::invalidArgument,
                        QStringLiteral("option timeout must be a number of milliseconds (0 = none), got %1")
                            .arg(timeoutValue.toDebugString()));
        timeoutMs = int(*t);
    }
    if (m_realm.meta().handleCall(caller, m))
        return; // a meta procedure served by the router itself (wamp-notes §13)
    const bool forcedByRole = caller.disclosureForcedByRole();
    const bool discloseMe = options.value(QStringLiteral("disclose_me")).toBool();
    if (discloseMe && !forcedByRole && m_realm.config().discloseCaller == u"never")
        return fail(kDiscloseMeDisallowed, QStringLiteral("this realm never discloses callers"));
    Registration *reg = bestMatch(procedure);
    if (!reg || reg->callees.isEmpty())
        return fail(uris::noSuchProcedure, QStringLiteral("no callee registered for procedure '%1'").arg(procedure));
    RouterSession *callee = pickCallee(*reg);
    if (progressChunk && (!supportsProgressiveInvocations(*callee, kCallee) || !supportsCanceling(*callee)))
        return fail(uris::featureNotSupported,
                    QStringLiteral("the callee of '%1' does not support progressive call invocations").arg(procedure));

    Invocation inv;
    inv.callerId = caller.id();
    inv.callRequestId = request;
    inv.calleeId = callee->id();
    inv.invocationId = callee->nextInvocationId();
    inv.registrationId = reg->id;
    inv.inputOpen = inv.streamed = progressChunk;

    Dict details;
    if (reg->match != MatchPolicy::Exact)
        details.insert(QStringLiteral("procedure"), procedure);
    // Progressive results only reach a callee that announced them (wamp-notes §11.1); otherwise the caller simply
    // gets the final result. Like Crossbar, call_canceling is not required as well: Autobahn|JS 22 callees announce
    // progressive_call_results without call_canceling (they still never get an INTERRUPT).
    if (options.value(QStringLiteral("receive_progress")).toBool() && callee->hasFeature(kCallee, kProgressive)) {
        details.insert(QStringLiteral("receive_progress"), true);
        inv.progressive = true;
    }
    if (progressChunk)
        details.insert(kProgress, true);
    if (timeoutMs > 0) {
        // A callee that announced call_timeout learns its deadline (as Crossbar forwards it); the router enforces it
        // unless that callee asked to enforce it itself with REGISTER.Options.forward_timeout (§11.3).
        const bool calleeTimeouts = callee->hasFeature(kCallee, kCallTimeout);
        if (calleeTimeouts)
            details.insert(QStringLiteral("timeout"), timeoutMs);
        if (!calleeTimeouts || !reg->forwardTimeout.contains(callee))
            inv.timeoutMs = timeoutMs;
    }
    if (forcedByRole || discloseCaller(*reg, callee, discloseMe)) {
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
    if (sent == RouterSession::SendResult::Sent) {
        if (auto it = m_byCallee.find(calleeKey); it != m_byCallee.end())
            startTimer(*it);
        return;
    }
    finishInvocation(inv);
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
        callee->send(Message::interrupt(it->invocationId, interruptOptions(QStringLiteral("kill"), uris::canceled)));
        return; // the callee's ERROR (or a YIELD if it finished first) answers the caller
    }
    const Invocation inv = *it;
    finishInvocation(inv);
    if (mode == u"killnowait" && callee)
        callee->send(Message::interrupt(inv.invocationId, interruptOptions(QStringLiteral("killnowait"), uris::canceled)));
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
    if (inv.timerId) {
        m_timerHost->killTimer(inv.timerId);
        m_timers.remove(inv.timerId);
    }
    if (inv.inputOpen)
        rememberStream(inv.callerId, inv.callRequestId);
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
        startTimer(*inv); // the timeout bounds the gap between results (wamp-notes §11.1)
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
            callee->send(Message::interrupt(inv.invocationId, interruptOptions(QStringLiteral("killnowait"), uris::canceled)));
    }
    m_recentStreams.remove(sid);
}

} // namespace wb::router
