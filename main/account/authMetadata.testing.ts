/** An authorization server's metadata as matrix.org-like servers publish it (test fixture). */
export const exampleAuthMetadata = {
  issuer: 'https://auth.example.org/',
  authorization_endpoint: 'https://auth.example.org/authorize',
  token_endpoint: 'https://auth.example.org/oauth2/token',
  registration_endpoint: 'https://auth.example.org/oauth2/registration',
  revocation_endpoint: 'https://auth.example.org/oauth2/revoke',
  response_types_supported: ['code'],
  response_modes_supported: ['query', 'fragment'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  code_challenge_methods_supported: ['S256'],
};
