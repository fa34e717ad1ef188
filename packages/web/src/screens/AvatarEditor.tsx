import { useEffect, useRef, useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { Avatar } from "../components/Avatar"
import { defaultCrop, drawCrop, type AvatarCrop } from "../media/prepareAvatar"
import { useAsyncAction } from "./useAsyncAction"

const PREVIEW_EDGE = 160

/**
 * My profile picture: pick an image, cut a square from it (zoom and
 * position, with sliders that work from the keyboard too), save or remove.
 * The square is encoded again on this device before it is encrypted.
 */
export function AvatarEditor() {
  const { t } = useTranslation()
  const model = useModel()
  const { me, avatars } = useAppState()
  const [image, setImage] = useState<ImageBitmap>()
  const [crop, setCrop] = useState<AvatarCrop>(defaultCrop)
  const canvas = useRef<HTMLCanvasElement>(null)
  const save = useAsyncAction(async () => {
    await model.setAvatar(image, crop)
    setImage(undefined)
  })
  const remove = useAsyncAction(() => model.setAvatar(undefined))
  const pick = useAsyncAction(async (file: File) => {
    setCrop(defaultCrop)
    setImage(await createImageBitmap(file, { imageOrientation: "from-image" }))
  })

  useEffect(() => {
    const context = canvas.current?.getContext("2d")
    if (!context || !image) return
    context.clearRect(0, 0, PREVIEW_EDGE, PREVIEW_EDGE)
    drawCrop(context, image, crop, PREVIEW_EDGE)
  }, [image, crop])

  if (!me) return null
  const slider = (key: keyof AvatarCrop, label: string, min: number, max: number) => (
    <div className="field">
      <label htmlFor={`avatar-${key}`}>{label}</label>
      <input
        id={`avatar-${key}`}
        type="range"
        min={min}
        max={max}
        step={0.01}
        value={crop[key]}
        onChange={(e) => setCrop({ ...crop, [key]: Number(e.target.value) })}
        data-testid={`avatar-${key}`}
      />
    </div>
  )
  const error = save.error ?? remove.error ?? pick.error
  return (
    <div className="form" data-testid="avatar-editor">
      <h2 className="list-section-title">{t("profile.picture")}</h2>
      {image ? (
        <>
          <canvas
            ref={canvas}
            className="avatar-crop"
            width={PREVIEW_EDGE}
            height={PREVIEW_EDGE}
            role="img"
            aria-label={t("profile.picturePreview")}
          />
          {slider("zoom", t("profile.zoom"), 1, 3)}
          {slider("x", t("profile.horizontal"), 0, 1)}
          {slider("y", t("profile.vertical"), 0, 1)}
          <div className="button-row">
            <button
              type="button"
              className="button"
              disabled={save.busy}
              onClick={() => void save.run()}
              data-testid="avatar-save"
            >
              {t("profile.usePicture")}
            </button>
            <button type="button" className="button secondary" onClick={() => setImage(undefined)}>
              {t("common.cancel")}
            </button>
          </div>
        </>
      ) : (
        <div className="button-row">
          <Avatar id={me.accountId} name={me.name} size="large" />
          <label className="button secondary">
            {t("profile.choosePicture")}
            <input
              type="file"
              accept="image/*"
              className="visually-hidden"
              data-testid="avatar-input"
              onChange={(e) => {
                const file = e.target.files?.[0]
                e.target.value = ""
                if (file) void pick.run(file)
              }}
            />
          </label>
          {avatars[me.accountId] && (
            <button
              type="button"
              className="button secondary"
              disabled={remove.busy}
              onClick={() => void remove.run()}
              data-testid="avatar-remove"
            >
              {t("profile.removePicture")}
            </button>
          )}
        </div>
      )}
      <p className="hint">{t("profile.pictureHint")}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
