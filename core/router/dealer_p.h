// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the Dealer's source files (dealer.cpp routing, dealerregistrations.cpp, dealertimeouts.cpp): the
// feature names and INTERRUPT helpers more than one of them needs, and the timer host.

#include "dealer.h"
#include "routersession.h"
#include "wamp/value.h"

#include <QObject>
#include <QTimerEvent>

namespace wb::router::dealerdetail {

inline const QString kCallee = QStringLiteral("callee");
inline const QString kCallCanceling = QStringLiteral("call_canceling");
inline const QString kCallCancelling = QStringLiteral("call_cancelling"); // spelling seen in the wild (wamp-notes §5.4)
inline const QString kProgressiveInvocations = QStringLiteral("progressive_call_invocations");
inline const QString kCallTimeout = QStringLiteral("call_timeout");

inline bool supportsCanceling(const RouterSession &s)
{
    return s.hasFeature(kCallee, kCallCanceling) || s.hasFeature(kCallee, kCallCancelling);
}

inline wamp::Dict interruptOptions(const QString &mode, const QString &reason)
{
    return wamp::Dict{{QStringLiteral("mode"), mode}, {QStringLiteral("reason"), reason}};
}

} // namespace wb::router::dealerdetail

namespace wb::router {

/// Receives the dealer's timer events (the dealer itself is not a QObject).
class Dealer::TimerHost : public QObject
{
public:
    TimerHost(Dealer &dealer, QObject *parent) : QObject(parent), m_dealer(dealer) {}

protected:
    void timerEvent(QTimerEvent *event) override { m_dealer.onTimeout(event->timerId()); }

private:
    Dealer &m_dealer;
};

} // namespace wb::router
