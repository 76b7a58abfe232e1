; Inno Setup 6 script: the Windows installer for the city kiosk (run `iscc installer\windows\kiosk.iss`
; on Windows after `python -m PyInstaller installer\kiosk.spec`, which leaves the bundle in dist\kiosk).
; It installs the program for all users, keeps the settings and data in ProgramData (kept on upgrade and
; on uninstall), and points every station at them through machine-wide KIOSK_CONFIG / KIOSK_DATA_DIR.
; Locking the PC to the kiosk (Shell Launcher or Assigned Access) is a separate step: WINDOWS.md.

#define AppName "City Kiosk"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define DataDir "{commonappdata}\City Kiosk"

[Setup]
AppId={{6E0F4E47-3E0B-4C52-9C3E-311F0DE5C0A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=City 311
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
OutputDir=..\..\dist
OutputBaseFilename=city-kiosk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
; KIOSK_CONFIG and KIOSK_DATA_DIR reach programs started after the installer without a restart.
ChangesEnvironment=yes
UninstallDisplayIcon={app}\kiosk.exe
WizardStyle=modern

[Types]
Name: "kiosk"; Description: "Visitor kiosk (touchscreen in the lobby)"
Name: "reception"; Description: "Reception console"

[Components]
Name: "program"; Description: "The program"; Types: kiosk reception; Flags: fixed
Name: "kioskstart"; Description: "Start the visitor kiosk when a user logs in"; Types: kiosk
Name: "staffstart"; Description: "Start the reception console when a user logs in"; Types: reception

[Files]
Source: "..\..\dist\kiosk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\examples\*.toml"; DestDir: "{app}\examples"; Flags: ignoreversion
Source: "WINDOWS.md"; DestDir: "{app}"; Flags: ignoreversion

[Dirs]
; Stations write the SQLite database and logs here; Users may modify, so a standard kiosk account can.
Name: "{#DataDir}"; Permissions: users-modify
Name: "{#DataDir}\data"; Permissions: users-modify

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "KIOSK_CONFIG"; ValueData: "{#DataDir}\settings.toml"; Flags: uninsdeletevalue
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "KIOSK_DATA_DIR"; ValueData: "{#DataDir}\data"; Flags: uninsdeletevalue

[Icons]
Name: "{group}\Visitor kiosk"; Filename: "{app}\kiosk.exe"
Name: "{group}\Visitor kiosk (in a window)"; Filename: "{app}\kiosk.exe"; Parameters: "--windowed"
Name: "{group}\Reception console"; Filename: "{app}\kiosk.exe"; Parameters: "staff"
Name: "{group}\Check this station (kiosk doctor)"; Filename: "{cmd}"; Parameters: "/k ""{app}\kiosk-console.exe"" doctor"
Name: "{commonstartup}\Visitor kiosk"; Filename: "{app}\kiosk.exe"; Components: kioskstart
Name: "{commonstartup}\Reception console"; Filename: "{app}\kiosk.exe"; Parameters: "staff"; Components: staffstart

[Run]
; The installer's own environment predates the [Registry] values above: each command is given them.
; A documented settings file with every option is written once, never over an existing one.
Filename: "{cmd}"; Parameters: "/c set ""KIOSK_CONFIG={#DataDir}\settings.toml"" && set ""KIOSK_DATA_DIR={#DataDir}\data"" && ""{app}\kiosk-console.exe"" config --init"; Flags: runhidden waituntilterminated; Check: not FileExists(ExpandConstant('{#DataDir}\settings.toml'))
Filename: "{cmd}"; Parameters: "/c set ""KIOSK_CONFIG={#DataDir}\settings.toml"" && set ""KIOSK_DATA_DIR={#DataDir}\data"" && ""{app}\kiosk-console.exe"" db upgrade"; Flags: runhidden waituntilterminated; StatusMsg: "Preparing the database..."
Filename: "{cmd}"; Parameters: "/k set ""KIOSK_CONFIG={#DataDir}\settings.toml"" && set ""KIOSK_DATA_DIR={#DataDir}\data"" && ""{app}\kiosk-console.exe"" doctor"; Description: "Check this station now (kiosk doctor)"; Flags: postinstall skipifsilent nowait

[Code]
// The settings file may hold a database password or an api key: only Administrators and SYSTEM keep
// access; WINDOWS.md grants the kiosk's account read access once it exists (icacls ... /grant kiosk:R).
procedure CurStepChanged(CurStep: TSetupStep);
var
  ResultCode: Integer;
  Settings: String;
begin
  if CurStep = ssPostInstall then
  begin
    Settings := ExpandConstant('{#DataDir}\settings.toml');
    if FileExists(Settings) then
      Exec(ExpandConstant('{sys}\icacls.exe'),
        '"' + Settings + '" /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F',
        '', SW_HIDE, ewWaitUntilTerminated, ResultCode);
  end;
end;
