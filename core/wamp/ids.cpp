// SPDX-License-Identifier: GPL-3.0-or-later
#include "ids.h"

#include <QRandomGenerator>

namespace wb::wamp {

quint64 randomId()
{
    // 53 random bits give [0, 2^53 - 1]; +1 maps that onto [1, 2^53] uniformly, no redraw needed.
    return (QRandomGenerator::global()->generate64() & (kMaxId - 1)) + 1;
}

} // namespace wb::wamp
