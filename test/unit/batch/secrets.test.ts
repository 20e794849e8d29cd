import {
  looksSecret,
  MASK,
  maskEnvironment,
  maskEnvironments,
  maskUrlCredentials,
  maskValue,
  shownAssignment,
} from '../../../src/batch/secrets'

describe('secret-looking names', () => {
  test.each([
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'GITHUB_TOKEN',
    'DB_PASSWORD',
    'db_passwd',
    'DB_PASS',
    'PGPASSFILE',
    'SSH_PASSPHRASE',
    'API_KEY',
    'apikey',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'client_secret',
  ])('%s looks secret', (name) => {
    expect(looksSecret(name)).toBe(true)
    expect(maskValue(name, 'hunter2')).toBe(MASK)
  })

  test.each(['PATH', 'HOME', 'MODE', 'METAFLOW_TEMPDIR', 'PWD', 'USER'])('%s does not', (name) => {
    expect(looksSecret(name)).toBe(false)
    expect(maskValue(name, 'x')).toBe('x')
  })

  test('every environment list of a document is masked; the document itself is left alone', () => {
    const requests = {
      registerJobDefinition: {containerProperties: {environment: [{name: 'KEY_ID', value: 'k'}]}},
      submitJob: {
        containerOverrides: {
          environment: [
            {name: 'MODE', value: 'fast'},
            {name: 'DB_PASS', value: 'p'},
          ],
        },
      },
    }
    expect(maskEnvironments(requests)).toEqual({
      registerJobDefinition: {containerProperties: {environment: [{name: 'KEY_ID', value: '****'}]}},
      submitJob: {
        containerOverrides: {
          environment: [
            {name: 'MODE', value: 'fast'},
            {name: 'DB_PASS', value: '****'},
          ],
        },
      },
    })
    expect(requests.submitJob.containerOverrides.environment[1].value).toBe('p')
  })

  test('an assignment and an environment list are masked by name, the mask the same whatever the value', () => {
    expect(shownAssignment('DB_PASSWORD', 'a-long-password')).toBe('DB_PASSWORD=****')
    expect(shownAssignment('MODE', 'fast')).toBe('MODE=fast')
    expect(
      maskEnvironment([
        {name: 'MODE', value: 'fast'},
        {name: 'API_TOKEN', value: 't'},
        {name: 'EMPTY_KEY', value: ''},
      ]),
    ).toEqual([
      {name: 'MODE', value: 'fast'},
      {name: 'API_TOKEN', value: '****'},
      {name: 'EMPTY_KEY', value: '****'},
    ])
  })

  test.each([
    ['postgres://u:pw@db.example.com:5432/x', 'postgres://u:****@db.example.com:5432/x'],
    ['postgres://u:p@ss@db/x', 'postgres://u:****@db/x'],
    ['https://ghp_abc123@github.com/o/r.git', 'https://****@github.com/o/r.git'],
    [
      'mongodb+srv://admin:s3cret@cluster0.example.net/?retryWrites=true',
      'mongodb+srv://admin:****@cluster0.example.net/?retryWrites=true',
    ],
    ['a=https://a:b@h b=redis://:pw@cache:6379', 'a=https://a:****@h b=redis://:****@cache:6379'],
    ['http://h/path?to=a@b', 'http://h/path?to=a@b'],
    ['https://example.com/x', 'https://example.com/x'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
  ])('credentials in a URL are masked: %s', (text, shown) => {
    expect(maskUrlCredentials(text)).toBe(shown)
  })

  test('the dry-run document: URL credentials masked in any value and in the command, whatever the name', () => {
    const requests = {
      submitJob: {
        containerOverrides: {
          command: ['psql', 'postgres://u:pw@db/x'],
          environment: [
            {name: 'DB_URL', value: 'postgres://u:pw@db.example.com/x'},
            {name: 'MODE', value: 'fast'},
          ],
        },
      },
    }
    expect(maskEnvironments(requests)).toEqual({
      submitJob: {
        containerOverrides: {
          command: ['psql', 'postgres://u:****@db/x'],
          environment: [
            {name: 'DB_URL', value: 'postgres://u:****@db.example.com/x'},
            {name: 'MODE', value: 'fast'},
          ],
        },
      },
    })
    expect(shownAssignment('DB_URL', 'postgres://u:pw@db/x')).toBe('DB_URL=postgres://u:****@db/x')
  })
})
