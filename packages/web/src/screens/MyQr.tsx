import { useTranslation } from "react-i18next"
import { useAppState } from "../app/context"
import { hrefOf } from "../app/route"
import { QrCode } from "../components/QrCode"
import { TopBar } from "../components/TopBar"
import { friendCodeFor } from "../model/qrPayloads"

/** My QR code: a friend scans (or uploads a picture of) it to send me a friend request. */
export function MyQr() {
  const { t } = useTranslation()
  const { me } = useAppState()
  return (
    <section className="screen">
      <TopBar title={t("me.myQr")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <div className="card">
          {me?.username ? (
            <>
              <div data-testid="my-qr">
                <QrCode
                  text={friendCodeFor(location.origin, me.username)}
                  label={t("me.myQrAlt", { username: me.username })}
                />
              </div>
              <p className="hint">{t("me.myQrHint")}</p>
            </>
          ) : (
            <>
              <p>{t("me.needUsername")}</p>
              <a className="button" href={hrefOf({ tab: "me", detail: { screen: "profile" } })}>
                {t("profile.claim")}
              </a>
            </>
          )}
        </div>
      </div>
    </section>
  )
}
