export * as content from "./gen/kith/v1/content_pb"
export * as frames from "./gen/kith/v1/frames_pb"
export * as certificates from "./gen/kith/v1/certificate_pb"
export * as provisioning from "./gen/kith/v1/provisioning_pb"
export { ErrorCode, KithError, httpStatusOf, isErrorCode, retryableCodes, type ErrorBody } from "./errors"
export { Limits, ID_BYTES, MLS_CIPHERSUITE } from "./limits"
export {
  BLOBS_PATH,
  TUS_VERSION,
  TUS_CONTENT_TYPE,
  BLOB_CHUNK_BYTES,
  BLOB_TAG_BYTES,
  MIN_BLOB_BUCKET_BYTES,
  MAX_ATTACHMENT_BYTES,
  MAX_BLOB_BYTES,
  blobChunkCount,
  blobCiphertextLength,
  paddedBlobLength,
  isBlobBucket,
} from "./blobs"
export { toBase64Url, fromBase64Url, bytesEqual, concatBytes, utf8 } from "./bytes"
export {
  signDeviceCertificate,
  verifyDeviceCertificate,
  type DeviceCertificate,
  type VerifiedCertificate,
} from "./deviceCertificate"
export { SignatureContext, signChallenge, verifyChallenge } from "./signing"
export { checkProofOfWork, solveProofOfWork, leadingZeroBits } from "./proofOfWork"
export {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  assertNever,
  type ClientFrame,
  type ServerFrame,
  type Delivery,
} from "./frameCodec"
export { encodeEntryFrame, encodeOkFrame } from "./hotServerFrames"
export * as http from "./http"
export {
  Routes,
  WS_PATH,
  type RouteName,
  type RouteSpec,
  type BodyOf,
  type ResponseOf,
  type ParamsOf,
} from "./http"
