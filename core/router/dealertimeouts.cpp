// SPDX-License-Identifier: GPL-3.0-or-later
// Dealer: router-enforced call timeouts (CALL.Options.timeout, wamp-notes §11.3), one timer per invocation on the
// timer host (a child of the Router, so the timers follow it to the router thread).
#include "dealer.h"

#include "dealer_p.h"
#include "realm.h"
#include "routersession.h"
#include "wamp/errors.h"

namespace wb::router {

using namespace wb::wamp;
using namespace wb::router::dealerdetail;

void Dealer::startTimer(Invocation &inv)
{
    stopTimer(inv);
    if (inv.timeoutMs <= 0)
        return;
    inv.timerId = m_timerHost->startTimer(inv.timeoutMs, Qt::PreciseTimer);
    if (inv.timerId)
        m_timers.insert(inv.timerId, Key{inv.calleeId, inv.invocationId});
}

void Dealer::stopTimer(Invocation &inv)
{
    if (!inv.timerId)
        return;
    m_timerHost->killTimer(inv.timerId);
    m_timers.remove(inv.timerId);
    inv.timerId = 0;
}

void Dealer::onTimeout(int timerId)
{
    const Key calleeKey = m_timers.value(timerId);
    auto it = m_byCallee.find(calleeKey);
    if (it == m_byCallee.end()) {
        m_timerHost->killTimer(timerId);
        m_timers.remove(timerId);
        return;
    }
    // wamp-notes §11.3: cancel like killnowait (skip for a callee without call_canceling), caller gets wamp.error.timeout.
    const Invocation inv = *it;
    finishInvocation(inv);
    RouterSession *callee = m_realm.session(inv.calleeId);
    if (callee && callee->isEstablished() && supportsCanceling(*callee))
        callee->send(Message::interrupt(inv.invocationId, interruptOptions(QStringLiteral("killnowait"), uris::timeout)));
    sendCallError(inv.callerId, inv.callRequestId, uris::timeout,
                  {QStringLiteral("no result within the call timeout of %1 ms").arg(inv.timeoutMs)});
}

} // namespace wb::router
