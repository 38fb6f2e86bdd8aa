// SPDX-License-Identifier: GPL-3.0-or-later
#include "panelfactory.h"

#include "connectionworkspace.h"
#include "panels/callpanel.h"
#include "panels/publishpanel.h"
#include "panels/registerpanel.h"
#include "panels/subscribepanel.h"

namespace wb::ui::panels {

void install(ConnectionWorkspace *ws)
{
    const QStringList titles = ConnectionWorkspace::standardPanelTitles(); // Subscribe, Call, Publish, Register
    if (titles.size() < 4)
        return;
    ws->addPanel(new SubscribePanel(ws->session(), ws), titles.at(0));
    ws->addPanel(new CallPanel(ws->session(), ws), titles.at(1));
    ws->addPanel(new PublishPanel(ws->session(), ws), titles.at(2));
    ws->addPanel(new RegisterPanel(ws->session(), ws), titles.at(3));
}

} // namespace wb::ui::panels
