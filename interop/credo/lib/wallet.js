'use strict'
// A Credo 0.5 Wallet on libsodium (pure WASM, no native library): Ed25519 keys and signatures, and DIDComm v1
// pack/unpack (Aries RFC 0019: authcrypt and anoncrypt, crypto_box for the content key, XChaCha20-Poly1305 for
// the message). For the interop tests only: keys are kept unencrypted in a Backing (memory or a JSON file).
const sodiumModule = require('libsodium-wrappers-sumo')
const {
  Buffer,
  JsonEncoder,
  Key,
  KeyType,
  TypedArrayEncoder,
  WalletDuplicateError,
  WalletError,
  WalletExportUnsupportedError,
  WalletKeyExistsError,
  WalletNotFoundError,
} = require('@credo-ts/core')

let sodium

/** Loads libsodium's WASM; call once before creating a wallet. */
async function loadSodium() {
  await sodiumModule.ready
  sodium = sodiumModule
}

const ENC = 'xchacha20poly1305_ietf'
const b64url = (bytes) => sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING)
const fromB64url = (text) => sodium.from_base64(text.replace(/=+$/, ''), sodium.base64_variants.URLSAFE_NO_PADDING)
const toX25519Public = (edPublic) => sodium.crypto_sign_ed25519_pk_to_curve25519(edPublic)
const toX25519Secret = (edSecret) => sodium.crypto_sign_ed25519_sk_to_curve25519(edSecret)

class SodiumWallet {
  /** @param backing a MemoryBacking or FileBacking holding the keys */
  constructor(backing) {
    if (!sodium) throw new Error('call loadSodium() first')
    this.backing = backing
    this.isInitialized = false
    this.isProvisioned = false
    this.supportedKeyTypes = [KeyType.Ed25519]
  }

  async create(walletConfig) {
    this.backing.update((data) => {
      if (data.wallet) throw new WalletDuplicateError(`wallet ${walletConfig.id} already exists`, { walletType: 'SodiumWallet' })
      data.wallet = walletConfig.id
    })
    this.isProvisioned = true
  }

  async createAndOpen(walletConfig) {
    await this.create(walletConfig)
    await this.open(walletConfig)
  }

  async open(walletConfig) {
    // the agent creates a wallet (and records its storage version) only when opening says there is none
    if (!this.backing.read().wallet) throw new WalletNotFoundError(`wallet ${walletConfig.id} not found`, { walletType: 'SodiumWallet' })
    this.isProvisioned = true
    this.isInitialized = true
  }

  async rotateKey() {
    throw new WalletError('this test wallet keeps no wallet key to rotate')
  }

  async close() {
    this.isInitialized = false
  }

  async dispose() {
    await this.close()
  }

  async delete() {
    this.backing.update((data) => {
      data.keys = {}
      delete data.wallet
    })
    this.isInitialized = false
    this.isProvisioned = false
  }

  async export() {
    throw new WalletExportUnsupportedError('this test wallet cannot export')
  }

  async import() {
    throw new WalletExportUnsupportedError('this test wallet cannot import')
  }

  async createKey({ keyType, privateKey, seed }) {
    if (keyType !== KeyType.Ed25519) throw new WalletError(`unsupported key type: ${keyType}`)
    const secretSeed = privateKey ?? seed
    if (secretSeed && secretSeed.length !== sodium.crypto_sign_SEEDBYTES) {
      throw new WalletError(`an Ed25519 private key has ${sodium.crypto_sign_SEEDBYTES} bytes, not ${secretSeed.length}`)
    }
    const pair = secretSeed ? sodium.crypto_sign_seed_keypair(secretSeed) : sodium.crypto_sign_keypair()
    const verkey = TypedArrayEncoder.toBase58(pair.publicKey)
    this.backing.update((data) => {
      if (data.keys[verkey]) throw new WalletKeyExistsError('key already exists')
      data.keys[verkey] = b64url(pair.privateKey)
    })
    return Key.fromPublicKey(Buffer.from(pair.publicKey), KeyType.Ed25519)
  }

  /** The 64-byte Ed25519 secret key of a verkey, or undefined when this wallet does not hold it. */
  secretKey(verkey) {
    const stored = this.backing.read().keys[verkey]
    return stored ? fromB64url(stored) : undefined
  }

  requireSecretKey(verkey) {
    const secret = this.secretKey(verkey)
    if (!secret) throw new WalletError(`key not found: ${verkey}`)
    return secret
  }

  async sign({ data, key }) {
    if (Array.isArray(data)) throw new WalletError('Ed25519 signs one message, not a list')
    if (key.keyType !== KeyType.Ed25519) throw new WalletError(`unsupported key type: ${key.keyType}`)
    return Buffer.from(sodium.crypto_sign_detached(data, this.requireSecretKey(key.publicKeyBase58)))
  }

  async verify({ data, key, signature }) {
    if (Array.isArray(data)) throw new WalletError('Ed25519 verifies one message, not a list')
    if (key.keyType !== KeyType.Ed25519) throw new WalletError(`unsupported key type: ${key.keyType}`)
    return sodium.crypto_sign_verify_detached(signature, data, key.publicKey)
  }

  async pack(payload, recipientKeys, senderVerkey) {
    const cek = sodium.crypto_aead_xchacha20poly1305_ietf_keygen()
    const senderSecret = senderVerkey ? toX25519Secret(this.requireSecretKey(senderVerkey)) : undefined
    const recipients = recipientKeys.map((verkey) => {
      const target = toX25519Public(TypedArrayEncoder.fromBase58(verkey))
      if (!senderSecret) {
        return { encrypted_key: b64url(sodium.crypto_box_seal(cek, target)), header: { kid: verkey } }
      }
      const nonce = sodium.randombytes_buf(sodium.crypto_box_NONCEBYTES)
      return {
        encrypted_key: b64url(sodium.crypto_box_easy(cek, nonce, target, senderSecret)),
        header: {
          kid: verkey,
          sender: b64url(sodium.crypto_box_seal(sodium.from_string(senderVerkey), target)),
          iv: b64url(nonce),
        },
      }
    })
    const protectedHeader = JsonEncoder.toBase64URL({
      enc: ENC,
      typ: 'JWM/1.0',
      alg: senderSecret ? 'Authcrypt' : 'Anoncrypt',
      recipients,
    })
    const iv = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      JSON.stringify(payload), sodium.from_string(protectedHeader), null, iv, cek)
    const tagStart = sealed.length - sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
    return {
      protected: protectedHeader,
      iv: b64url(iv),
      ciphertext: b64url(sealed.subarray(0, tagStart)),
      tag: b64url(sealed.subarray(tagStart)),
    }
  }

  async unpack(encryptedMessage) {
    const header = JsonEncoder.fromBase64(encryptedMessage.protected)
    if (header.enc !== ENC) throw new WalletError(`unsupported content encryption: ${header.enc}`)
    const recipient = (header.recipients ?? []).find((r) => this.secretKey(r.header?.kid))
    if (!recipient) throw new WalletError('no recipient key of this wallet in the message')
    const recipientKey = recipient.header.kid
    const secret = this.secretKey(recipientKey)
    const ownPublic = toX25519Public(TypedArrayEncoder.fromBase58(recipientKey))
    const ownSecret = toX25519Secret(secret)
    let cek
    let senderKey
    if (header.alg === 'Authcrypt') {
      senderKey = sodium.to_string(sodium.crypto_box_seal_open(fromB64url(recipient.header.sender), ownPublic, ownSecret))
      const senderPublic = toX25519Public(TypedArrayEncoder.fromBase58(senderKey))
      cek = sodium.crypto_box_open_easy(fromB64url(recipient.encrypted_key), fromB64url(recipient.header.iv),
        senderPublic, ownSecret)
    } else if (header.alg === 'Anoncrypt') {
      cek = sodium.crypto_box_seal_open(fromB64url(recipient.encrypted_key), ownPublic, ownSecret)
    } else {
      throw new WalletError(`unsupported packing algorithm: ${header.alg}`)
    }
    const sealed = new Uint8Array([...fromB64url(encryptedMessage.ciphertext), ...fromB64url(encryptedMessage.tag)])
    const plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed,
      sodium.from_string(encryptedMessage.protected), fromB64url(encryptedMessage.iv), cek)
    return { plaintextMessage: JSON.parse(sodium.to_string(plaintext)), senderKey, recipientKey }
  }

  async generateNonce() {
    // an 80-bit decimal number, as AnonCreds nonces are
    return BigInt(`0x${sodium.to_hex(sodium.randombytes_buf(10))}`).toString()
  }

  getRandomValues(length) {
    return sodium.randombytes_buf(length)
  }

  async generateWalletKey() {
    return TypedArrayEncoder.toBase58(sodium.randombytes_buf(32))
  }
}

module.exports = { SodiumWallet, loadSodium }
