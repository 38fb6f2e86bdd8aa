// SPDX-License-Identifier: GPL-3.0-or-later
#include "reconnectpolicy.h"

#include <algorithm>
#include <cmath>

namespace wb::client {

int ReconnectPolicy::delayForAttempt(int attempt) const
{
    if (attempt < 1 || (maxAttempts > 0 && attempt > maxAttempts))
        return -1;
    const double d = double(std::max(1, initialDelayMs)) * std::pow(std::max(1.0, factor), attempt - 1);
    return int(std::min(d, double(std::max(initialDelayMs, maxDelayMs))));
}

} // namespace wb::client
